package dev.registrykit.fake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.registrykit.Candidacy;
import dev.registrykit.CandidacyState;
import dev.registrykit.Election;
import dev.registrykit.Leader;
import dev.registrykit.RegistryUnavailableException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class FakeElectionTest {

  private static final Duration TTL = Duration.ofSeconds(10);

  private final FakeRegistry registry = FakeRegistry.create();
  private final Election election = registry.election("migrations");

  @Test
  void theEarliestCampaignerLeadsAndTheOthersWait() {
    Candidacy a = election.campaign("a", TTL);
    Candidacy b = election.campaign("b", TTL);

    assertThat(a.state()).isEqualTo(CandidacyState.LEADING);
    assertThat(b.state()).isEqualTo(CandidacyState.WAITING);
    assertThat(a.fencingToken()).isPresent();
    assertThat(b.fencingToken()).isEmpty();
    assertThat(election.leader()).contains(new Leader("migrations", "a", a.fencingToken().getAsLong()));
  }

  @Test
  void resigningHandsOverInCampaignOrderWithIncreasingTokens() {
    Candidacy a = election.campaign("a", TTL);
    Candidacy b = election.campaign("b", TTL);
    Candidacy c = election.campaign("c", TTL);
    long first = a.fencingToken().getAsLong();

    a.close();
    assertThat(b.isLeader()).isTrue();
    long second = b.fencingToken().getAsLong();
    b.close();

    assertThat(c.isLeader()).isTrue();
    assertThat(c.fencingToken().getAsLong()).isGreaterThan(second);
    assertThat(second).isGreaterThan(first);
    assertThat(a.state()).isEqualTo(CandidacyState.RESIGNED);
  }

  @Test
  void aCrashedLeaderIsReplacedAfterItsTtl() {
    Candidacy a = election.campaign("a", TTL);
    Candidacy b = election.campaign("b", TTL);
    List<String> states = new ArrayList<>();
    a.addListener((c, from, to) -> states.add(from + "->" + to));

    registry.crash(a);
    registry.clock().advance(TTL.minusSeconds(1));
    assertThat(a.isLeader()).isTrue();
    registry.clock().advance(Duration.ofSeconds(1));

    assertThat(a.state()).isEqualTo(CandidacyState.LOST);
    assertThat(b.isLeader()).isTrue();
    assertThat(states).containsExactly("LEADING->LOST");
  }

  @Test
  void aLeaderCutOffLearnsItLostWhenItsLeaseEnds() {
    Candidacy a = election.campaign("a", TTL);
    Candidacy b = election.campaign("b", TTL);

    try (InjectedFault outage = registry.inject(Fault.unavailable())) {
      registry.clock().advance(TTL);
      assertThat(a.state()).isEqualTo(CandidacyState.LOST);
      assertThat(b.state()).isEqualTo(CandidacyState.LOST);
    }
    assertThat(election.leader()).isEmpty();
  }

  @Test
  void aLeaderCutOffLosesAtItsDeadlineBeforeAnotherClientsCandidateLeads() {
    Duration ttl = Duration.ofSeconds(9);
    registry.clock().advance(Duration.ofMillis(250)); // between two expiry checks (every 500 ms)
    Candidacy a = election.campaign("a", ttl);
    registry.clock().advance(ttl.dividedBy(3)); // a's keep-alive renews here: its deadline is now + TTL
    Instant lastRenewal = registry.clock().instant();
    long token = a.fencingToken().getAsLong();
    Candidacy b = registry.campaignFromAnotherClient("migrations", "b", ttl);
    List<String> events = new ArrayList<>();
    a.addListener((c, from, to) -> events.add("a " + to + " at +" + Duration.between(lastRenewal, registry.clock().instant())));
    b.addListener((c, from, to) -> events.add("b " + to + " at +" + Duration.between(lastRenewal, registry.clock().instant())
        + " while a was " + a.state()));

    try (InjectedFault outage = registry.inject(Fault.unavailable())) {
      registry.clock().advance(ttl.minusNanos(1));
      assertThat(a.state()).isEqualTo(CandidacyState.LEADING);
      registry.clock().advance(Duration.ofNanos(1));
      assertThat(a.state()).as("at its deadline").isEqualTo(CandidacyState.LOST);
      assertThat(b.state()).as("until etcd's next expiry check").isEqualTo(CandidacyState.WAITING);
      registry.clock().advance(registry.expiryCheckInterval());
    }

    assertThat(events).containsExactly("a LOST at +PT9S", "b LEADING at +PT9.25S while a was LOST");
    assertThat(b.fencingToken().getAsLong()).isGreaterThan(token);
    assertThat(election.leader()).contains(new Leader("migrations", "b", b.fencingToken().getAsLong()));
  }

  @Test
  void anotherClientsCandidacyIsCutOnlyWhenEtcdIsDown() {
    Candidacy b = registry.campaignFromAnotherClient("migrations", "b", TTL);

    try (InjectedFault outage = registry.inject(Fault.unavailable())) {
      registry.clock().advance(TTL.multipliedBy(2));
      assertThat(b.state()).isEqualTo(CandidacyState.LEADING);
      assertThatThrownBy(() -> election.leader()).isInstanceOf(RegistryUnavailableException.class);
    }
    try (InjectedFault down = registry.inject(Fault.down())) {
      assertThatThrownBy(() -> registry.campaignFromAnotherClient("migrations", "c", TTL))
          .isInstanceOf(RegistryUnavailableException.class)
          .hasMessageStartingWith("campaignFromAnotherClient failed: the fake registry is unavailable");
      registry.clock().advance(TTL);
      assertThat(b.state()).isEqualTo(CandidacyState.LOST);
    }
  }

  @Test
  void awaitLeadershipRejectsANegativeTimeout() {
    Candidacy a = election.campaign("a", TTL);

    assertThatThrownBy(() -> a.awaitLeadership(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("timeout must not be negative but was: PT-1S");
    assertThatThrownBy(() -> a.awaitLeadership(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("timeout must not be null");
  }

  @Test
  void aLeaderCutOffForLessThanItsTtlKeepsLeading() {
    Candidacy a = election.campaign("a", TTL);

    try (InjectedFault outage = registry.inject(Fault.unavailable())) {
      registry.clock().advance(TTL.minusSeconds(1));
    }
    registry.clock().advance(TTL.multipliedBy(3));

    assertThat(a.state()).isEqualTo(CandidacyState.LEADING);
  }

  @Test
  void observersHearEveryChangeStartingWithTheCurrentLeader() {
    List<Optional<Leader>> seen = new ArrayList<>();
    Candidacy a = election.campaign("a", TTL);
    election.observe(seen::add);
    Candidacy b = election.campaign("b", TTL);

    a.close();
    b.close();

    assertThat(seen).extracting(l -> l.map(Leader::candidateId).orElse("-")).containsExactly("a", "b", "-");
  }

  @Test
  void anObserverHearsNothingDuringAnOutageThenWhatItMissed() {
    List<Optional<Leader>> seen = new ArrayList<>();
    election.campaign("a", TTL);
    election.observe(seen::add);

    InjectedFault outage = registry.inject(Fault.unavailable());
    registry.clock().advance(TTL);
    assertThat(seen).extracting(l -> l.map(Leader::candidateId).orElse("-")).containsExactly("a");

    outage.heal();
    assertThat(seen).extracting(l -> l.map(Leader::candidateId).orElse("-")).containsExactly("a", "-");
  }

  @Test
  void aClosedObserverHearsNothingMore() {
    List<Optional<Leader>> seen = new ArrayList<>();
    Candidacy a = election.campaign("a", TTL);
    election.campaign("b", TTL);
    var observation = election.observe(seen::add);

    observation.close();
    a.close();

    assertThat(seen).extracting(l -> l.map(Leader::candidateId).orElse("-")).containsExactly("a");
  }

  @Test
  void awaitLeadershipAnswersAtOnceWhenDecided() {
    Candidacy a = election.campaign("a", TTL);
    Candidacy b = election.campaign("b", TTL);

    // with the interrupt flag set, a call that waited would end in an exception: these do not wait
    Thread.currentThread().interrupt();
    try {
      assertThat(a.awaitLeadership(Duration.ofDays(1))).as("the leader, asked with a day to wait").isTrue();
      assertThat(b.awaitLeadership(Duration.ZERO)).as("a waiting candidate, with no time to wait").isFalse();
      a.close();
      assertThat(b.awaitLeadership(Duration.ofDays(1))).as("the next leader, asked with a day to wait").isTrue();
      assertThat(Thread.currentThread().isInterrupted()).as("the interrupt flag, untouched").isTrue();
    } finally {
      Thread.interrupted();
    }
  }

  @Test
  void electionsAreSeparateAndKeepOutOfTheInstanceListing() {
    election.campaign("a", TTL);
    Candidacy other = registry.election("pollers").campaign("a", TTL);

    assertThat(other.isLeader()).isTrue();
    assertThat(registry.allInstances()).isEmpty();
    assertThat(registry.history()).isEmpty();
  }

  @Test
  void rejectsBadNamesAndRefusesWhileUnavailable() {
    assertThatThrownBy(() -> registry.election("a/b"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("name must match [A-Za-z0-9._-]{1,128} but was: \"a/b\"");
    assertThatThrownBy(() -> election.campaign("", TTL))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("candidateId must match [A-Za-z0-9._-]{1,128} but was: \"\"");
    try (InjectedFault outage = registry.inject(Fault.unavailable())) {
      assertThatThrownBy(() -> election.campaign("a", TTL)).isInstanceOf(RegistryUnavailableException.class);
    }
  }

  @Test
  void closingTheRegistryResignsEveryCandidacy() {
    Candidacy a = election.campaign("a", TTL);
    registry.close();
    assertThat(a.state()).isEqualTo(CandidacyState.RESIGNED);
  }
}
