package dev.registrykit.fake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.registrykit.Candidacy;
import dev.registrykit.CandidacyState;
import dev.registrykit.Election;
import dev.registrykit.Recovery;
import dev.registrykit.Registration;
import dev.registrykit.RegistrationState;
import dev.registrykit.RegistryClosedException;
import dev.registrykit.RegistryEvent;
import dev.registrykit.RegistryEvent.Added;
import dev.registrykit.RegistryEvent.Removed;
import dev.registrykit.RegistryEvent.Updated;
import dev.registrykit.RegistryUnavailableException;
import dev.registrykit.ServiceInstance;
import dev.registrykit.internal.InstanceCodec;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The fake's own model of etcd's faults and lease timing, on the fake alone: expiry checks, leader
 * changes, {@code Fault.down()}, wipe, compaction, lost leases, each pinned to an instant of the fake
 * clock. Nothing here runs on etcd: that the fake and etcd agree is {@code FaultParityTest}'s claim
 * (registry-junit), one body run on both.
 */
class FakeRegistryFaultsTest {

  private static final Duration TTL = Duration.ofSeconds(30);
  private static final Instant T0 = FakeClock.DEFAULT_START;
  private static final ServiceInstance A = ServiceInstance.of("orders", "a", "http://10.0.0.1:5000");
  private static final ServiceInstance B = ServiceInstance.of("orders", "b", "http://10.0.0.2:5000");
  private static final ServiceInstance B2 = ServiceInstance.of("orders", "b", "http://10.0.0.22:5000");
  private static final ServiceInstance C = ServiceInstance.of("orders", "c", "http://10.0.0.3:5000");
  private static final ServiceInstance D = ServiceInstance.of("orders", "d", "http://10.0.0.4:5000");

  private final FakeRegistry registry = FakeRegistry.create();
  private final FakeClock clock = registry.clock();
  private final List<RegistryEvent> events = new CopyOnWriteArrayList<>();
  private final List<String> states = new CopyOnWriteArrayList<>();

  private void recordStates(Registration registration) {
    registration.addListener((r, from, to) ->
        states.add(r.instance().instanceId() + ":" + from + "->" + to + "@" + Duration.between(T0, clock.instant())));
  }

  private static String key(ServiceInstance instance) {
    return "/services/" + instance.serviceName() + "/" + instance.instanceId();
  }

  // ---------------------------------------------------------------------------- expiry checks

  @Nested
  class ExpiryCheck {

    @Test
    void defaultsAreEtcds() {
      assertThat(registry.expiryCheckInterval()).isEqualTo(Duration.ofMillis(500));
      assertThat(registry.electionTimeout()).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void aCrashedLeaseIsRemovedAtTheFirstCheckAtOrAfterItsExpiryWhileTheRegistrationIsLostAtItsDeadline() {
      clock.advance(Duration.ofMillis(200)); // t0 = start + 0.2 s: expiry at 30.2 s, checks at .0 and .5
      Registration registration = registry.register(A, TTL);
      recordStates(registration);
      registry.watch("orders", events::add);
      registry.crash(registration);

      clock.set(T0.plusMillis(30_200).minusNanos(1));
      assertThat(registration.state()).isEqualTo(RegistrationState.ACTIVE);
      clock.advance(Duration.ofNanos(1)); // 30.2 s: the client's deadline
      assertThat(registration.state()).isEqualTo(RegistrationState.LOST);
      assertThat(registry.instances("orders")).as("the server has not checked yet").containsExactly(A);
      clock.set(T0.plusMillis(30_500).minusNanos(1));
      assertThat(registry.instances("orders")).containsExactly(A);
      clock.advance(Duration.ofNanos(1)); // 30.5 s: the check

      assertThat(registry.instances("orders")).isEmpty();
      assertThat(events).containsExactly(new Added(A, 2), new Removed(A, 3));
      assertThat(states).containsExactly("a:ACTIVE->LOST@PT30.2S");
    }

    @Test
    void aLeaseExpiringOnACheckGoesAtThatCheck() {
      Registration registration = registry.register(A, TTL);
      registry.crash(registration);

      clock.advance(TTL.minusNanos(1));
      assertThat(registry.instances("orders")).containsExactly(A);
      clock.advance(Duration.ofNanos(1));
      assertThat(registry.instances("orders")).isEmpty();
    }

    @Test
    void zeroRemovesALeaseAtExactlyItsExpiry() {
      FakeRegistry exact = FakeRegistry.builder().withExpiryCheckInterval(Duration.ZERO).build();
      exact.clock().advance(Duration.ofMillis(200));
      Registration registration = exact.register(A, TTL);
      exact.crash(registration);

      exact.clock().set(T0.plusMillis(30_200).minusNanos(1));
      assertThat(exact.instances("orders")).containsExactly(A);
      exact.clock().advance(Duration.ofNanos(1));
      assertThat(exact.instances("orders")).isEmpty();
      assertThat(registration.state()).isEqualTo(RegistrationState.LOST);
    }

    @Test
    void checksAreMultiplesOfTheIntervalFromTheClocksStart() {
      FakeClock odd = FakeClock.startingAt(T0.plusMillis(300));
      FakeRegistry fake = FakeRegistry.builder().withClock(odd).withExpiryCheckInterval(Duration.ofSeconds(7)).build();
      fake.putRaw(key(A), InstanceCodec.encode(A), Duration.ofSeconds(2)); // expires at start + 2 s: check at start + 7 s

      odd.advance(Duration.ofSeconds(7).minusNanos(1));
      assertThat(fake.instances("orders")).containsExactly(A);
      odd.advance(Duration.ofNanos(1));
      assertThat(fake.instances("orders")).isEmpty();
    }

    @Test
    void leasesDueAtOneCheckGoInTheOrderTheyExpired() {
      registry.watch("orders", events::add);
      registry.putRaw(key(B), InstanceCodec.encode(B), Duration.ofSeconds(2)); // expires at 2.0 s, check 2.0 s
      clock.advance(Duration.ofMillis(100));
      registry.putRaw(key(A), InstanceCodec.encode(A), Duration.ofSeconds(2)); // 2.1 s, check 2.5 s
      clock.advance(Duration.ofMillis(300));
      registry.putRaw(key(C), InstanceCodec.encode(C), Duration.ofSeconds(2)); // 2.4 s, check 2.5 s

      clock.advance(Duration.ofSeconds(3));

      assertThat(events).extracting(RegistryEvent::getClass, RegistryEvent::instance, RegistryEvent::revision)
          .containsExactly(
              org.assertj.core.groups.Tuple.tuple(Added.class, B, 2L),
              org.assertj.core.groups.Tuple.tuple(Added.class, A, 3L),
              org.assertj.core.groups.Tuple.tuple(Added.class, C, 4L),
              org.assertj.core.groups.Tuple.tuple(Removed.class, B, 5L),
              org.assertj.core.groups.Tuple.tuple(Removed.class, A, 6L),
              org.assertj.core.groups.Tuple.tuple(Removed.class, C, 7L));
    }

    @Test
    void aHealthyRegistrationIsNeverRemovedByAChecks() {
      clock.advance(Duration.ofMillis(123));
      Registration registration = registry.register(A, Duration.ofSeconds(2)); // keep-alive every 666 ms
      registry.watch("orders", events::add);

      clock.advance(Duration.ofMinutes(5));

      assertThat(registration.state()).isEqualTo(RegistrationState.ACTIVE);
      assertThat(events).containsExactly(new Added(A, 2));
    }

    @Test
    void aCrashedLeaderCountsItselfLostAtItsTtlButTheNextLeadsOnlyOnceTheCheckRemovesItsKey() {
      clock.advance(Duration.ofMillis(200));
      Election election = registry.election("migrations");
      Candidacy a = election.campaign("a", TTL);
      Candidacy b = election.campaign("b", TTL);
      registry.crash(a);

      clock.set(T0.plusMillis(30_200));
      assertThat(a.state()).isEqualTo(CandidacyState.LOST);
      assertThat(b.state()).isEqualTo(CandidacyState.WAITING);
      assertThat(election.leader()).hasValueSatisfying(l -> assertThat(l.candidateId()).isEqualTo("a"));
      clock.set(T0.plusMillis(30_500));
      assertThat(b.state()).isEqualTo(CandidacyState.LEADING);
    }

    @Test
    void aCutOffLeaderTurnsLostNoLaterThanItsLeaseEnds() {
      clock.advance(Duration.ofMillis(200));
      Candidacy a = registry.election("migrations").campaign("a", TTL);

      registry.inject(Fault.unavailable());
      clock.set(T0.plusMillis(30_200).minusNanos(1));
      assertThat(a.state()).isEqualTo(CandidacyState.LEADING);
      clock.advance(Duration.ofNanos(1));
      assertThat(a.state()).isEqualTo(CandidacyState.LOST);
    }

    @Test
    void builderRejectsNegativeDurationsNamingThem() {
      assertThatThrownBy(() -> FakeRegistry.builder().withExpiryCheckInterval(Duration.ofMillis(-1)))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("expiryCheckInterval must not be negative but was: PT-0.001S");
      assertThatThrownBy(() -> FakeRegistry.builder().withElectionTimeout(Duration.ofSeconds(-1)))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("electionTimeout must not be negative but was: PT-1S");
      assertThatThrownBy(() -> FakeRegistry.builder().withExpiryCheckInterval(null))
          .isInstanceOf(NullPointerException.class).hasMessage("expiryCheckInterval must not be null");
      assertThatThrownBy(() -> FakeRegistry.builder().withElectionTimeout(null))
          .isInstanceOf(NullPointerException.class).hasMessage("electionTimeout must not be null");
      assertThat(FakeRegistry.builder().withElectionTimeout(Duration.ZERO).build().electionTimeout()).isZero();
    }
  }

  // ---------------------------------------------------------------------------- leader change

  @Nested
  class ChangeLeader {

    @Test
    void renewsEveryLeaseToItsTtlPlusTheElectionTimeout() {
      Registration registration = registry.register(A, TTL);
      registry.watch("orders", events::add);
      registry.crash(registration);
      clock.advance(Duration.ofSeconds(20));

      registry.changeLeader(); // expiry now 20 + 30 + 1 = 51 s, a check instant

      clock.set(T0.plusSeconds(30));
      assertThat(registration.state()).as("the client counts from its own last renewal").isEqualTo(RegistrationState.LOST);
      clock.set(T0.plusSeconds(51).minusNanos(1));
      assertThat(registry.instances("orders")).containsExactly(A);
      clock.advance(Duration.ofNanos(1));
      assertThat(registry.instances("orders")).isEmpty();
      assertThat(events).containsExactly(new Added(A, 2), new Removed(A, 3));
    }

    @Test
    void anExtensionOffTheCheckGridWaitsForTheNextCheck() {
      FakeRegistry fake = FakeRegistry.builder().withElectionTimeout(Duration.ofMillis(1200)).build();
      Registration registration = fake.register(A, TTL);
      fake.crash(registration);
      fake.clock().advance(Duration.ofSeconds(20));

      fake.changeLeader(); // expiry 51.2 s: check at 51.5 s

      fake.clock().set(T0.plusMillis(51_500).minusNanos(1));
      assertThat(fake.instances("orders")).containsExactly(A);
      fake.clock().advance(Duration.ofNanos(1));
      assertThat(fake.instances("orders")).isEmpty();
    }

    @Test
    void keepsAHealthyRegistrationActiveAndIsRefusedOnceClosed() {
      Registration registration = registry.register(A, TTL);
      registry.changeLeader();
      clock.advance(TTL.multipliedBy(3));
      assertThat(registration.state()).isEqualTo(RegistrationState.ACTIVE);

      registry.close();
      assertThatThrownBy(registry::changeLeader).isInstanceOf(RegistryClosedException.class)
          .hasMessage("changeLeader refused: this FakeRegistry is closed");
    }
  }

  // ---------------------------------------------------------------------------- Fault.down()

  @Nested
  class Down {

    @Test
    void callsFailAsForAnOutage() {
      InjectedFault down = registry.inject(Fault.down());

      assertThat(registry.faults()).containsExactly(Fault.down());
      assertThatThrownBy(() -> registry.register(A, TTL))
          .isInstanceOf(RegistryUnavailableException.class)
          .hasMessage("register failed: the fake registry is unavailable (injected Fault.down(); heal it to start etcd again)");
      assertThatThrownBy(registry::allInstances).isInstanceOf(RegistryUnavailableException.class);
      down.heal();
      assertThat(registry.allInstances()).isEmpty();
    }

    @Test
    void downLongerThanTheTtlLosesTheRegistrationClientSideKeepsItsKeyThenRecoversWithANewLease() {
      Registration registration = registry.register(A, TTL);
      recordStates(registration);
      registry.watch("orders", events::add);
      long oldLease = registry.leaseId(registration);
      clock.advance(Duration.ofSeconds(5));

      InjectedFault down = registry.inject(Fault.down());
      clock.set(T0.plusSeconds(30).minusNanos(1));
      assertThat(registration.state()).isEqualTo(RegistrationState.ACTIVE);
      clock.advance(Duration.ofNanos(1));
      assertThat(registration.state()).as("the client gives up at its TTL").isEqualTo(RegistrationState.LOST);
      clock.set(T0.plusSeconds(65)); // down for 60 s
      assertThat(registry.keysWithLeases()).as("no lease expires while etcd is down")
          .containsExactly(Map.entry(key(A), oldLease));

      down.heal(); // 65 s: a leader is elected, the old lease lives until 65 + 30 + 1 s
      assertThat(registry.instances("orders")).containsExactly(A);
      assertThat(registration.state()).as("recovery waits for the next keep-alive tick").isEqualTo(RegistrationState.LOST);
      clock.advance(Duration.ofSeconds(5)); // 70 s: a tick

      assertThat(registration.state()).isEqualTo(RegistrationState.ACTIVE);
      long newLease = registry.leaseId(registration);
      assertThat(newLease).isNotEqualTo(oldLease);
      assertThat(registry.keysWithLeases()).containsExactly(Map.entry(key(A), newLease));
      assertThat(registry.hasLease(oldLease)).as("the old lease is revoked").isFalse();
      assertThat(states).containsExactly("a:ACTIVE->LOST@PT30S", "a:LOST->ACTIVE@PT1M10S");
      assertThat(events).containsExactly(new Added(A, 2), new Updated(A, A, 3));
      clock.advance(TTL.multipliedBy(3));
      assertThat(registration.state()).isEqualTo(RegistrationState.ACTIVE);
      assertThat(registry.keysWithLeases()).containsExactly(Map.entry(key(A), newLease));
    }

    @Test
    void downShorterThanTheTtlLosesNothing() {
      Registration registration = registry.register(A, TTL);
      registry.watch("orders", events::add);

      try (InjectedFault down = registry.inject(Fault.down())) {
        clock.advance(TTL.minusSeconds(1));
      }
      clock.advance(TTL.multipliedBy(3));

      assertThat(registration.state()).isEqualTo(RegistrationState.ACTIVE);
      assertThat(events).containsExactly(new Added(A, 2));
    }

    @Test
    void aCrashedLeaseOutlivesTheStopAndGoesTtlPlusElectionTimeoutAfterTheStart() {
      Registration registration = registry.register(A, TTL);
      registry.crash(registration);
      InjectedFault down = registry.inject(Fault.down());
      clock.advance(Duration.ofSeconds(100));
      down.heal(); // 100 s: lease renewed until 131 s

      assertThat(registry.instances("orders")).containsExactly(A);
      clock.set(T0.plusSeconds(131).minusNanos(1));
      assertThat(registry.instances("orders")).containsExactly(A);
      clock.advance(Duration.ofNanos(1));
      assertThat(registry.instances("orders")).isEmpty();
    }

    @Test
    void watchersHearNothingWhileDownAndTheRecoveryAfter() {
      Registration registration = registry.register(A, TTL);
      registry.putRaw(key(B), InstanceCodec.encode(B));
      registry.watchAll(events::add);
      InjectedFault down = registry.inject(Fault.down());
      clock.advance(Duration.ofSeconds(40));
      assertThat(events).containsExactly(new Added(A, 2), new Added(B, 3));

      down.heal();
      clock.advance(TTL);

      assertThat(events).containsExactly(new Added(A, 2), new Added(B, 3), new Updated(A, A, 4));
      assertThat(registration.state()).isEqualTo(RegistrationState.ACTIVE);
    }

    @Test
    void overlappingWithAnOutageLeasesStillDoNotExpire() {
      Registration registration = registry.register(A, TTL);
      registry.crash(registration);
      InjectedFault outage = registry.inject(Fault.unavailable());
      InjectedFault down = registry.inject(Fault.down());
      clock.advance(Duration.ofSeconds(40));
      outage.heal();
      assertThatThrownBy(registry::allInstances).isInstanceOf(RegistryUnavailableException.class);
      down.heal(); // 40 s: renewed until 71 s

      assertThat(registry.instances("orders")).containsExactly(A);
      clock.set(T0.plusSeconds(71));
      assertThat(registry.instances("orders")).isEmpty();
    }
  }

  // ---------------------------------------------------------------------------- wipe

  @Nested
  class Wipe {

    @Test
    void everythingGoesRevisionsRestartWatchersResynchroniseAndRegistrationsComeBackWithNewLeases() {
      Registration a = registry.register(A, TTL);
      Registration b = registry.register(B, TTL);
      recordStates(a);
      recordStates(b);
      registry.watch("orders", events::add);
      long leaseA = registry.leaseId(a);
      long leaseB = registry.leaseId(b);
      clock.advance(Duration.ofSeconds(5));

      registry.wipe();

      assertThat(registry.revision()).isEqualTo(FakeRegistry.create().revision()).isEqualTo(1);
      assertThat(registry.allInstances()).isEmpty();
      assertThat(registry.keysWithLeases()).isEmpty();
      assertThat(registry.hasLease(leaseA)).isFalse();
      assertThat(events).containsExactly(new Added(A, 2), new Added(B, 3), new Removed(A, 1), new Removed(B, 1));
      assertThat(a.state()).as("the client learns at its next keep-alive").isEqualTo(RegistrationState.ACTIVE);

      clock.advance(Duration.ofSeconds(5)); // 10 s: the tick hears "lease not found"

      assertThat(states).containsExactly(
          "a:ACTIVE->LOST@PT10S", "a:LOST->ACTIVE@PT10S", "b:ACTIVE->LOST@PT10S", "b:LOST->ACTIVE@PT10S");
      assertThat(registry.instances("orders")).containsExactly(A, B);
      assertThat(events).containsExactly(new Added(A, 2), new Added(B, 3), new Removed(A, 1), new Removed(B, 1),
          new Added(A, 2), new Added(B, 3));
      assertThat(registry.revision()).isEqualTo(3);
      assertThat(registry.leaseId(a)).isNotIn(leaseA, leaseB);
      assertThat(registry.leaseId(b)).isNotIn(leaseA, leaseB, registry.leaseId(a));
      assertThat(registry.history()).containsExactly(new Added(A, 2), new Added(B, 3), new Removed(A, 1),
          new Removed(B, 1), new Added(A, 2), new Added(B, 3));
      clock.advance(TTL.multipliedBy(3));
      assertThat(a.state()).isEqualTo(RegistrationState.ACTIVE);
      assertThat(b.state()).isEqualTo(RegistrationState.ACTIVE);
    }

    @Test
    void aWatcherCutOffDuringTheWipeResynchronisesWhenItHealsInsteadOfReplayingStaleRevisions() {
      Registration a = registry.register(A, TTL);
      registry.putRaw(key(B), InstanceCodec.encode(B));
      registry.watch("orders", events::add);
      registry.crash(a);
      InjectedFault outage = registry.inject(Fault.unavailable());
      clock.advance(TTL); // A's lease goes at 30 s: held back
      registry.wipe();
      registry.putRaw(key(C), InstanceCodec.encode(C)); // revision 2 of the new store

      outage.heal();

      assertThat(events).as("the differences from what it last heard, in key order, at the new store's revision")
          .containsExactly(new Added(A, 2), new Added(B, 3), new Removed(A, 2), new Removed(B, 2), new Added(C, 2));
    }

    @Test
    void candidaciesLoseTheirLeadership() {
      Election election = registry.election("migrations");
      Candidacy leader = election.campaign("x", TTL);
      Candidacy next = election.campaign("y", TTL);

      registry.wipe();

      assertThat(leader.state()).isEqualTo(CandidacyState.LOST);
      assertThat(next.state()).isEqualTo(CandidacyState.LOST);
      assertThat(election.leader()).isEmpty();
      Candidacy fresh = election.campaign("z", TTL);
      assertThat(fresh.state()).isEqualTo(CandidacyState.LEADING);
    }

    @Test
    void withoutRecoveryRegistrationsStayLost() {
      FakeRegistry fake = FakeRegistry.builder().withRecovery(Recovery.disabled()).build();
      Registration registration = fake.register(A, TTL);

      fake.wipe();
      fake.clock().advance(TTL);

      assertThat(registration.state()).isEqualTo(RegistrationState.LOST);
      assertThat(fake.allInstances()).isEmpty();
    }
  }

  // ---------------------------------------------------------------------------- compaction

  @Nested
  class Compact {

    @Test
    void aWatcherBehindAnOutageListsAgainAndHearsOnlyTheDifferences() {
      registry.putRaw(key(A), InstanceCodec.encode(A)); // 2
      registry.putRaw(key(B), InstanceCodec.encode(B)); // 3
      registry.watch("orders", events::add);
      InjectedFault outage = registry.inject(Fault.unavailable());
      registry.deleteRaw(key(A)); // 4
      registry.putRaw(key(B), InstanceCodec.encode(B2)); // 5
      registry.putRaw(key(D), InstanceCodec.encode(D)); // 6
      registry.putRaw(key(C), InstanceCodec.encode(C)); // 7
      registry.deleteRaw(key(D)); // 8

      registry.compact();
      outage.heal();

      // as EtcdWatch resynchronises: the writes at their own revisions, what is gone at the listing's
      assertThat(events).containsExactly(new Added(A, 2), new Added(B, 3),
          new Updated(B2, B, 5), new Added(C, 7), new Removed(A, 8));
      assertThat(registry.instances("orders")).containsExactly(B2, C);
      assertThat(registry.history()).as("the fake's log keeps every event")
          .extracting(RegistryEvent::revision).containsExactly(2L, 3L, 4L, 5L, 6L, 7L, 8L);
      registry.putRaw(key(D), InstanceCodec.encode(D));
      assertThat(events).last().isEqualTo(new Added(D, 9));
    }

    @Test
    void aWatcherThatIsNotBehindIsUnaffected() {
      registry.putRaw(key(A), InstanceCodec.encode(A));
      registry.watch("orders", events::add);
      registry.putRaw(key(B), InstanceCodec.encode(B));

      registry.compact();
      registry.putRaw(key(C), InstanceCodec.encode(C));
      registry.deleteRaw(key(A));

      assertThat(events).containsExactly(new Added(A, 2), new Added(B, 3), new Added(C, 4), new Removed(A, 5));
    }

    @Test
    void eventsHeldAfterTheCompactionAreReplayedOneByOne() {
      registry.putRaw(key(A), InstanceCodec.encode(A));
      registry.watch("orders", events::add);
      InjectedFault outage = registry.inject(Fault.unavailable());
      registry.compact(); // nothing held yet: the watch can resume after it
      registry.putRaw(key(D), InstanceCodec.encode(D));
      registry.deleteRaw(key(D));

      outage.heal();

      assertThat(events).containsExactly(new Added(A, 2), new Added(D, 3), new Removed(D, 4));
    }

    @Test
    void onlyTheWatcherThatIsBehindListsAgain() {
      List<RegistryEvent> orders = new CopyOnWriteArrayList<>();
      List<RegistryEvent> payments = new CopyOnWriteArrayList<>();
      ServiceInstance pay = ServiceInstance.of("payments", "p", "http://p:1");
      registry.putRaw(key(A), InstanceCodec.encode(A)); // 2
      registry.watch("orders", orders::add);
      registry.watch("payments", payments::add);
      InjectedFault outage = registry.inject(Fault.unavailable());
      ServiceInstance a2 = A.withAddress("http://10.0.0.11:5000");
      registry.putRaw(key(A), InstanceCodec.encode(a2)); // 3: only orders is behind
      registry.compact();
      registry.putRaw(key(pay), InstanceCodec.encode(pay)); // 4: after the compaction

      outage.heal();

      assertThat(orders).containsExactly(new Added(A, 2), new Updated(a2, A, 3));
      assertThat(payments).containsExactly(new Added(pay, 4));
    }
  }

  // ---------------------------------------------------------------------------- loseLease

  @Nested
  class LoseLease {

    @Test
    void theKeyGoesAtOnceAndTheRegistrationComesBackWithANewLeaseAtItsNextTick() {
      Registration a = registry.register(A, TTL);
      Registration b = registry.register(B, TTL);
      recordStates(a);
      recordStates(b);
      registry.watch("orders", events::add);
      long leaseA = registry.leaseId(a);
      long leaseB = registry.leaseId(b);
      clock.advance(Duration.ofSeconds(5));

      registry.loseLease(a);

      assertThat(events).containsExactly(new Added(A, 2), new Added(B, 3), new Removed(A, 4));
      assertThat(registry.instances("orders")).containsExactly(B);
      assertThat(a.state()).isEqualTo(RegistrationState.ACTIVE);
      assertThat(registry.hasLease(leaseA)).isFalse();

      clock.advance(Duration.ofSeconds(5)); // 10 s: "lease not found", LOST, registered again in this tick

      assertThat(states).containsExactly("a:ACTIVE->LOST@PT10S", "a:LOST->ACTIVE@PT10S");
      assertThat(events).last().isEqualTo(new Added(A, 5));
      assertThat(registry.instances("orders")).containsExactly(A, B);
      assertThat(registry.leaseId(a)).isNotIn(leaseA, leaseB);
      assertThat(registry.leaseId(b)).isEqualTo(leaseB);
      assertThat(b.state()).isEqualTo(RegistrationState.ACTIVE);
      assertThat(registry.keysWithLeases()).containsExactly(
          Map.entry(key(A), registry.leaseId(a)), Map.entry(key(B), leaseB));
    }

    @Test
    void withoutRecoveryTheRegistrationStaysLost() {
      FakeRegistry fake = FakeRegistry.builder().withRecovery(Recovery.disabled()).build();
      Registration registration = fake.register(A, TTL);

      fake.loseLease(registration);
      fake.clock().advance(TTL.multipliedBy(2));

      assertThat(registration.state()).isEqualTo(RegistrationState.LOST);
      assertThat(fake.allInstances()).isEmpty();
    }

    @Test
    void duringAnOutageTheRegistrationLearnsItOnlyOnceItsKeepAliveGetsThrough() {
      Registration registration = registry.register(A, TTL);
      recordStates(registration);
      registry.watch("orders", events::add);
      InjectedFault outage = registry.inject(Fault.unavailable());
      registry.loseLease(registration);
      clock.advance(Duration.ofSeconds(15));
      assertThat(registration.state()).isEqualTo(RegistrationState.ACTIVE);
      assertThat(events).containsExactly(new Added(A, 2));

      outage.heal();
      clock.advance(Duration.ofSeconds(5)); // 20 s: a tick

      assertThat(states).containsExactly("a:ACTIVE->LOST@PT20S", "a:LOST->ACTIVE@PT20S");
      assertThat(events).containsExactly(new Added(A, 2), new Removed(A, 3), new Added(A, 4));
    }

    @Test
    void rejectsAForeignClosedOrMissingRegistration() {
      Registration foreign = FakeRegistry.create().register(A, TTL);
      Registration closed = registry.register(B, TTL);
      closed.close();

      assertThatThrownBy(() -> registry.loseLease(foreign))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("loseLease needs a registration of this FakeRegistry but was: FakeRegistration[");
      assertThatThrownBy(() -> registry.loseLease(closed))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("loseLease needs a registration that is not closed but was: "
              + "FakeRegistration[/services/orders/b, ttl=PT30S, CLOSED]");
      assertThatThrownBy(() -> registry.loseLease(null))
          .isInstanceOf(NullPointerException.class).hasMessage("registration must not be null");
      registry.close();
      assertThatThrownBy(() -> registry.loseLease(closed)).isInstanceOf(RegistryClosedException.class);
    }
  }

  @Test
  void newControlsAreRefusedOnceClosed() {
    registry.close();
    assertThatThrownBy(registry::wipe).isInstanceOf(RegistryClosedException.class)
        .hasMessage("wipe refused: this FakeRegistry is closed");
    assertThatThrownBy(registry::compact).isInstanceOf(RegistryClosedException.class)
        .hasMessage("compact refused: this FakeRegistry is closed");
  }
}
