package dev.registrykit.fake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.registrykit.InvalidEntry;
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
import dev.registrykit.Subscription;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class FakeRegistryTest {

  private static final Duration TTL = Duration.ofSeconds(30);
  private static final ServiceInstance ORDERS_1 = ServiceInstance.of("orders", "i-1", "http://10.0.0.1:5000");
  private static final ServiceInstance ORDERS_2 = ServiceInstance.of("orders", "i-2", "http://10.0.0.2:5000");
  private static final ServiceInstance BILLING_1 = ServiceInstance.of("billing", "b-1", "http://10.0.1.1:7000");

  private final FakeRegistry registry = FakeRegistry.create();
  private final FakeClock clock = registry.clock();
  private final List<RegistryEvent> events = new CopyOnWriteArrayList<>();

  /**
   * The clock jumps: the whole expiry happens within {@code advance}, on the calling thread, with
   * no real waiting (how fast: BENCHMARKS.md figure 2, a few µs, measured by JMH in registry-bench).
   */
  @Test
  void crashedInstanceExpiresAfterItsTtlWithOneRemovedEventWhenTheClockJumps() {
    Registration registration = registry.register(ORDERS_1, TTL);
    List<String> removedOn = new CopyOnWriteArrayList<>();
    registry.watch("orders", event -> {
      events.add(event);
      if (event instanceof Removed) {
        removedOn.add(Thread.currentThread().getName() + " at " + clock.instant());
      }
    });

    registry.crash(registration);
    clock.advance(Duration.ofSeconds(31));

    assertThat(removedOn).as("where and when Removed was heard, by the time advance returned")
        .containsExactly(Thread.currentThread().getName() + " at " + FakeClock.DEFAULT_START.plus(TTL));
    assertThat(clock.instant()).isEqualTo(FakeClock.DEFAULT_START.plusSeconds(31));
    assertThat(registry.instances("orders")).isEmpty();
    assertThat(events).containsExactly(new Added(ORDERS_1, 2), new Removed(ORDERS_1, 3));
    assertThat(registration.state()).isEqualTo(RegistrationState.LOST);
  }

  @Test
  void crashedInstanceStaysUntilExactlyItsTtl() {
    Registration registration = registry.register(ORDERS_1, TTL);
    clock.advance(Duration.ofSeconds(5));
    registry.crash(registration);

    clock.advance(Duration.ofSeconds(5)); // keep-alive renews at 10 s, so the last renewal was at 0 s
    assertThat(registry.instances("orders")).containsExactly(ORDERS_1);
    clock.set(FakeClock.DEFAULT_START.plus(TTL).minusNanos(1));
    assertThat(registry.instances("orders")).containsExactly(ORDERS_1);
    clock.advance(Duration.ofNanos(1));
    assertThat(registry.instances("orders")).isEmpty();
  }

  @Test
  void keepAliveKeepsALiveInstancePastThreeTtls() {
    Registration registration = registry.register(ORDERS_1, TTL);

    clock.advance(TTL.multipliedBy(3).plusSeconds(1));

    assertThat(registry.instances("orders")).containsExactly(ORDERS_1);
    assertThat(registration.state()).isEqualTo(RegistrationState.ACTIVE);
  }

  @Test
  void keepAliveRenewsEveryThirdOfTheTtlSoACrashExpiresTtlAfterTheLastRenewal() {
    Registration registration = registry.register(ORDERS_1, TTL);
    clock.advance(Duration.ofSeconds(15)); // renewed at 10 s
    registry.crash(registration);

    clock.advance(Duration.ofSeconds(24)); // 39 s: 29 s after the renewal
    assertThat(registry.instances("orders")).containsExactly(ORDERS_1);
    clock.advance(Duration.ofSeconds(1)); // 40 s
    assertThat(registry.instances("orders")).isEmpty();
  }

  @Test
  void grantsAtLeastTheMinimumTtl() {
    assertThat(registry.register(ORDERS_1, Duration.ofSeconds(1)).ttl()).isEqualTo(Duration.ofSeconds(2));
    assertThat(registry.register(ORDERS_2, Duration.ofSeconds(7)).ttl()).isEqualTo(Duration.ofSeconds(7));

    FakeRegistry quick = FakeRegistry.builder().withMinimumTtl(Duration.ofSeconds(1)).build();
    assertThat(quick.register(ORDERS_1, Duration.ofSeconds(1)).ttl()).isEqualTo(Duration.ofSeconds(1));
  }

  @Test
  void registerWithoutTtlUsesTheDefaultOf30Seconds() {
    assertThat(registry.register(ORDERS_1).ttl()).isEqualTo(Duration.ofSeconds(30));
    FakeRegistry custom = FakeRegistry.builder().withDefaultTtl(Duration.ofSeconds(10)).build();
    assertThat(custom.register(ORDERS_1).ttl()).isEqualTo(Duration.ofSeconds(10));
  }

  @Test
  void listsInKeyOrder() {
    registry.register(ORDERS_2, TTL);
    registry.register(BILLING_1, TTL);
    registry.register(ORDERS_1, TTL);

    assertThat(registry.instances("orders")).containsExactly(ORDERS_1, ORDERS_2);
    assertThat(registry.services()).containsExactly("billing", "orders");
    assertThat(registry.allInstances()).containsExactly(BILLING_1, ORDERS_1, ORDERS_2);
    assertThat(registry.instances("nobody")).isEmpty();
  }

  @Test
  void aServiceIsNotAPrefixOfAnother() {
    registry.register(ServiceInstance.of("orders-v2", "x", "http://h:1"), TTL);
    registry.register(ORDERS_1, TTL);

    assertThat(registry.instances("orders")).containsExactly(ORDERS_1);
  }

  @Test
  void allInstancesIsSortedByServiceNameThenIdWhereKeyOrderDiffers() {
    ServiceInstance v2 = ServiceInstance.of("orders-v2", "x", "http://h:1");
    ServiceInstance eu = ServiceInstance.of("orders.eu", "a", "http://h:2");
    registry.register(eu, TTL);
    registry.register(ORDERS_2, TTL);
    registry.register(v2, TTL);
    registry.register(ORDERS_1, TTL);
    assertThat(registry.keysWithLeases().keySet()).as("key order: '-' and '.' sort before '/'").containsExactly(
        "/services/orders-v2/x", "/services/orders.eu/a", "/services/orders/i-1", "/services/orders/i-2");

    assertThat(registry.allInstances()).containsExactly(ORDERS_1, ORDERS_2, v2, eu);
    assertThat(registry.services()).containsExactly("orders", "orders-v2", "orders.eu");
    assertThat(registry.instances("orders")).containsExactly(ORDERS_1, ORDERS_2);
  }

  @Test
  void closingARegistrationRemovesTheInstanceAtOnce() {
    Registration registration = registry.register(ORDERS_1, TTL);
    registry.watch("orders", events::add);
    List<String> states = new ArrayList<>();
    registration.addListener((r, from, to) -> states.add(from + "->" + to));

    registration.close();
    registration.close();

    assertThat(registry.instances("orders")).isEmpty();
    assertThat(events).containsExactly(new Added(ORDERS_1, 2), new Removed(ORDERS_1, 3));
    assertThat(registration.state()).isEqualTo(RegistrationState.CLOSED);
    assertThat(states).containsExactly("ACTIVE->CLOSED");
  }

  @Test
  void closingTheRegistryClosesEverythingItHandedOut() {
    Registration one = registry.register(ORDERS_1, TTL);
    Registration two = registry.register(BILLING_1, TTL);
    registry.watchAll(events::add);

    registry.close();
    registry.close();

    assertThat(one.state()).isEqualTo(RegistrationState.CLOSED);
    assertThat(two.state()).isEqualTo(RegistrationState.CLOSED);
    assertThat(registry.history()).hasSize(4).last().isInstanceOf(Removed.class);
    assertThat(events).hasSize(2); // the watch was closed before the removals reached it
    assertThatThrownBy(() -> registry.register(ORDERS_2, TTL))
        .isInstanceOf(RegistryClosedException.class)
        .hasMessage("register refused: this FakeRegistry is closed");
    assertThatThrownBy(() -> registry.instances("orders"))
        .isInstanceOf(RegistryClosedException.class)
        .hasMessage("instances refused: this FakeRegistry is closed");
  }

  @Test
  void reRegisteringAnIdUpdatesItAndRetiresTheOldRegistration() {
    Registration first = registry.register(ORDERS_1, TTL);
    registry.watch("orders", events::add);
    ServiceInstance moved = ORDERS_1.withAddress("http://10.0.0.9:5000");

    Registration second = registry.register(moved, TTL);

    assertThat(first.state()).as("the old registration, right after the second register")
        .isEqualTo(RegistrationState.CLOSED);
    assertThat(second.state()).isEqualTo(RegistrationState.ACTIVE);
    first.close(); // harmless now: the key belongs to the second
    assertThat(registry.instances("orders")).containsExactly(moved);
    assertThat(events).containsExactly(new Added(ORDERS_1, 2), new Updated(moved, ORDERS_1, 3));

    clock.advance(TTL.multipliedBy(2));
    assertThat(registry.instances("orders")).containsExactly(moved);
  }

  @Test
  void aWatchStartedLateSeesThePresentThenTheChangesWithNothingMissedOrRepeated() {
    registry.register(ORDERS_2, TTL);
    Registration one = registry.register(ORDERS_1, TTL);
    registry.register(BILLING_1, TTL);

    registry.watch("orders", events::add);
    one.close();
    registry.register(ServiceInstance.of("orders", "i-3", "http://h:3"), TTL);

    assertThat(events).containsExactly(
        new Added(ORDERS_2, 2),
        new Added(ORDERS_1, 3),
        new Removed(ORDERS_1, 5),
        new Added(ServiceInstance.of("orders", "i-3", "http://h:3"), 6));
    assertThat(events).extracting(RegistryEvent::revision).isSorted().doesNotHaveDuplicates();
  }

  @Test
  void closingAWatchStopsItsEvents() {
    Subscription watch = registry.watch("orders", events::add);
    registry.register(ORDERS_1, TTL);
    watch.close();
    registry.register(ORDERS_2, TTL);

    assertThat(events).containsExactly(new Added(ORDERS_1, 2));
  }

  @Test
  void aFailingListenerBreaksNothing() {
    registry.watch("orders", e -> {
      throw new IllegalStateException("boom");
    });
    registry.watch("orders", events::add);

    registry.register(ORDERS_1, TTL);

    assertThat(events).containsExactly(new Added(ORDERS_1, 2));
    assertThat(registry.listenerFailures()).singleElement().extracting(Throwable::getMessage).isEqualTo("boom");
    assertThat(registry.instances("orders")).containsExactly(ORDERS_1);
  }

  @Test
  void aListenerMayCallBackIntoTheRegistry() {
    List<List<ServiceInstance>> seen = new ArrayList<>();
    registry.watch("orders", e -> seen.add(registry.instances("orders")));

    registry.register(ORDERS_1, TTL);
    registry.register(ORDERS_2, TTL);

    assertThat(seen).containsExactly(List.of(ORDERS_1), List.of(ORDERS_1, ORDERS_2));
  }

  @Test
  void expiriesDueAtTheSameInstantHappenInRegistrationOrder() {
    Registration b = registry.register(ORDERS_2, TTL);
    Registration a = registry.register(ORDERS_1, TTL);
    registry.watch("orders", events::add);
    registry.crash(a);
    registry.crash(b);

    clock.advance(Duration.ofSeconds(30));

    assertThat(events.subList(2, 4)).extracting(RegistryEvent::instance).containsExactly(ORDERS_2, ORDERS_1);
  }

  @Test
  void unavailableRegistryFailsCallsLosesTheLeaseAndRecoversWhenHealed() {
    Registration registration = registry.register(ORDERS_1, TTL);
    registry.watch("orders", events::add);
    List<String> states = new ArrayList<>();
    registration.addListener((r, from, to) -> states.add(from + "->" + to));

    InjectedFault outage = registry.inject(Fault.unavailable());
    assertThatThrownBy(() -> registry.instances("orders"))
        .isInstanceOf(RegistryUnavailableException.class)
        .hasMessageStartingWith("instances failed: the fake registry is unavailable");
    clock.advance(Duration.ofSeconds(29));
    assertThat(registration.state()).isEqualTo(RegistrationState.ACTIVE);
    clock.advance(Duration.ofSeconds(1));
    assertThat(registration.state()).isEqualTo(RegistrationState.LOST);
    assertThat(registry.history()).last().isEqualTo(new Removed(ORDERS_1, 3));
    assertThat(events).as("a watch hears nothing during the outage").containsExactly(new Added(ORDERS_1, 2));

    outage.heal();
    assertThat(events).as("and catches up when it heals").containsExactly(new Added(ORDERS_1, 2), new Removed(ORDERS_1, 3));
    assertThat(registry.instances("orders")).isEmpty();
    clock.advance(Duration.ofSeconds(10));

    assertThat(registration.state()).isEqualTo(RegistrationState.ACTIVE);
    assertThat(registry.instances("orders")).containsExactly(ORDERS_1);
    assertThat(states).containsExactly("ACTIVE->LOST", "LOST->ACTIVE");
    assertThat(events).extracting(e -> e.getClass().getSimpleName()).containsExactly("Added", "Removed", "Added");
  }

  @Test
  void withoutRecoveryALostRegistrationStaysLost() {
    FakeRegistry noRecovery = FakeRegistry.builder().withRecovery(Recovery.disabled()).build();
    Registration registration = noRecovery.register(ORDERS_1, TTL);

    try (InjectedFault outage = noRecovery.inject(Fault.unavailable())) {
      noRecovery.clock().advance(Duration.ofSeconds(31));
    }
    noRecovery.clock().advance(Duration.ofMinutes(5));

    assertThat(registration.state()).isEqualTo(RegistrationState.LOST);
    assertThat(noRecovery.instances("orders")).isEmpty();
  }

  /** The fake has no failed attempts to space out: any backoff recovers at the same keep-alive tick as the default. */
  @Test
  void aRecoveryBackoffDoesNotDelayTheFakesRecoveryPastItsKeepAliveTick() {
    FakeRegistry slowBackoff = FakeRegistry.builder()
        .withRecovery(Recovery.withBackoff(Duration.ofMinutes(1), Duration.ofMinutes(10))).build();
    Registration registration = slowBackoff.register(ORDERS_1, TTL);

    try (InjectedFault outage = slowBackoff.inject(Fault.unavailable())) {
      slowBackoff.clock().advance(Duration.ofSeconds(31));
      assertThat(registration.state()).isEqualTo(RegistrationState.LOST);
    }
    slowBackoff.clock().advance(Duration.ofSeconds(8));
    assertThat(registration.state()).as("the next keep-alive tick is at 40 s").isEqualTo(RegistrationState.LOST);
    slowBackoff.clock().advance(Duration.ofSeconds(1));

    assertThat(registration.state()).isEqualTo(RegistrationState.ACTIVE);
    assertThat(slowBackoff.instances("orders")).containsExactly(ORDERS_1);
  }

  @Test
  void aKeepAliveFailureOfOneRegistrationLosesOnlyThatOne() {
    Registration failing = registry.register(ORDERS_1, TTL);
    Registration healthy = registry.register(ORDERS_2, TTL);

    InjectedFault fault = registry.inject(Fault.keepAliveFailure(failing));
    clock.advance(Duration.ofSeconds(31));

    assertThat(failing.state()).isEqualTo(RegistrationState.LOST);
    assertThat(healthy.state()).isEqualTo(RegistrationState.ACTIVE);
    assertThat(registry.instances("orders")).containsExactly(ORDERS_2);

    fault.heal();
    clock.advance(Duration.ofSeconds(10));
    assertThat(failing.state()).isEqualTo(RegistrationState.ACTIVE);
    assertThat(registry.instances("orders")).containsExactly(ORDERS_1, ORDERS_2);
  }

  @Test
  void closingDuringAnOutageClosesButTheKeyWaitsForItsLease() {
    Registration registration = registry.register(ORDERS_1, TTL);
    InjectedFault outage = registry.inject(Fault.unavailable());

    assertThatThrownBy(registration::close)
        .isInstanceOf(RegistryUnavailableException.class)
        .hasMessageContaining("the key vanishes when its lease runs out");
    assertThat(registration.state()).isEqualTo(RegistrationState.CLOSED);
    outage.heal();
    assertThat(registry.instances("orders")).containsExactly(ORDERS_1);
    clock.advance(TTL);
    assertThat(registry.instances("orders")).isEmpty();
  }

  @Test
  void readsTheOriginsJsonWrittenByAnotherProgramAndSkipsCorruptValues() {
    List<InvalidEntry> invalid = new ArrayList<>();
    FakeRegistry fake = FakeRegistry.builder().withInvalidEntryListener(invalid::add).build();
    String guid = "3f2b9a2e-6d1c-4a0e-9a77-2b7f5f0f1c11";
    fake.putRaw("/services/OrderShippingService/" + guid,
        "{\"Id\":\"" + guid + "\",\"Name\":\"OrderShippingService\",\"Address\":\"http://localhost:5000\"}");
    fake.putRaw("/services/OrderShippingService/other",
        "{\"id\":\"other\",\"NAME\":\"OrderShippingService\",\"address\":\"http://localhost:5001\",\"Zone\":\"a\"}");
    fake.putRaw("/services/OrderShippingService/broken", "{not json");
    fake.putRaw("/services/OrderShippingService/partial", "{\"Id\":\"partial\",\"Name\":\"OrderShippingService\"}");

    assertThat(fake.instances("OrderShippingService")).containsExactly(
        ServiceInstance.of("OrderShippingService", guid, "http://localhost:5000"),
        ServiceInstance.of("OrderShippingService", "other", "http://localhost:5001"));
    assertThat(invalid).extracting(InvalidEntry::key).containsExactly(
        "/services/OrderShippingService/broken", "/services/OrderShippingService/partial"); // once, when written
    assertThat(invalid.get(1).reason()).isEqualTo("value lacks \"Address\"");
  }

  @Test
  void aValueWrittenByAnotherProgramOverARegistrationIsAnUpdate() {
    FakeRegistry fake = FakeRegistry.create();
    fake.register(ORDERS_1, TTL);
    fake.putRaw("/services/orders/i-1", "{\"Id\":\"i-1\",\"Name\":\"orders\",\"Address\":\"http://x:1\"}");

    assertThat(fake.history()).last().isEqualTo(
        new Updated(ServiceInstance.of("orders", "i-1", "http://x:1"), ORDERS_1, 3));
  }

  @Test
  void rejectsBadArgumentsBeforeTouchingAnything() {
    assertThatThrownBy(() -> registry.register(ORDERS_1, Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("ttl must be positive but was: PT0S");
    assertThatThrownBy(() -> registry.register(ORDERS_1, Duration.ofMillis(2500)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("ttl must be a whole number of seconds but was: PT2.5S");
    assertThatThrownBy(() -> registry.register(null, TTL))
        .isInstanceOf(NullPointerException.class).hasMessage("instance must not be null");
    assertThatThrownBy(() -> registry.instances("a/b"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("serviceName must match [A-Za-z0-9._-]{1,128} but was: \"a/b\"");
    assertThatThrownBy(() -> registry.watch("orders", null))
        .isInstanceOf(NullPointerException.class).hasMessage("listener must not be null");
    assertThatThrownBy(() -> registry.putRaw("/elsewhere/x/y", "{}"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("key must be under the namespace /services/ but was: \"/elsewhere/x/y\"");
    assertThatThrownBy(() -> registry.crash(FakeRegistry.create().register(ORDERS_1, TTL)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("crash needs a registration of this FakeRegistry but was: FakeRegistration[");
    assertThatThrownBy(() -> FakeRegistry.builder().withMinimumTtl(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("minimumTtl must be a positive whole number of seconds but was: PT0S");
    assertThatThrownBy(() -> FakeRegistry.builder().withNamespace("services/")) // "services" is fine (Go's layout)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("but was: \"services/\"");

    assertThat(registry.history()).as("nothing was written").isEmpty();
    assertThat(registry.revision()).isEqualTo(1);
  }

  @Test
  void revisionsStrictlyIncreaseUnderConcurrentRegistration() throws InterruptedException {
    int threads = 8;
    int perThread = 200;
    List<Thread> workers = new ArrayList<>();
    List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
    registry.watchAll(events::add);
    for (int t = 0; t < threads; t++) {
      int id = t;
      Thread worker = new Thread(() -> {
        try {
          for (int i = 0; i < perThread; i++) {
            registry.register(ServiceInstance.of("svc-" + id, "i-" + i, "http://h:" + (1000 + i)), TTL);
          }
        } catch (Throwable e) {
          failures.add(e);
        }
      });
      workers.add(worker);
      worker.start();
    }
    for (Thread worker : workers) {
      worker.join();
    }

    assertThat(failures).isEmpty();
    assertThat(registry.allInstances()).hasSize(threads * perThread);
    assertThat(registry.services()).hasSize(threads);
    assertThat(events).hasSize(threads * perThread);
    assertThat(events).extracting(RegistryEvent::revision).isSorted().doesNotHaveDuplicates();
  }

  @Test
  void aWatcherReplaysToTheListingWhileThreadsRegisterCloseCrashAndAdvanceAtOnce() throws InterruptedException {
    registry.watchAll(events::add);
    List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
    List<Thread> workers = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      int id = t;
      workers.add(new Thread(() -> {
        try {
          for (int i = 0; i < 300; i++) {
            Registration r = registry.register(ServiceInstance.of("svc-" + id, "i-" + (i % 50), "http://h:" + i),
                Duration.ofSeconds(2 + i % 5));
            switch (i % 3) {
              case 0 -> r.close();
              case 1 -> registry.crash(r);
              default -> { }
            }
          }
        } catch (Throwable e) {
          failures.add(e);
        }
      }, "registrant-" + t));
    }
    workers.add(new Thread(() -> {
      try {
        for (int i = 0; i < 300; i++) {
          clock.advance(Duration.ofMillis(700));
        }
      } catch (Throwable e) {
        failures.add(e);
      }
    }, "advancer"));
    workers.forEach(Thread::start);
    for (Thread worker : workers) {
      worker.join();
    }

    assertThat(failures).isEmpty();
    assertThat(events).extracting(RegistryEvent::revision).isSorted().doesNotHaveDuplicates();
    assertThat(events).isEqualTo(registry.history());
    java.util.Map<String, ServiceInstance> replayed = new java.util.TreeMap<>();
    for (RegistryEvent event : events) {
      String key = event.instance().serviceName() + "/" + event.instance().instanceId();
      if (event instanceof Removed) {
        assertThat(replayed.remove(key)).as("removed while present: %s", event).isNotNull();
      } else {
        ServiceInstance previous = replayed.put(key, event.instance());
        if (event instanceof Updated updated) {
          assertThat(previous).as("updated from what was there: %s", event).isEqualTo(updated.previous());
        } else {
          assertThat(previous).as("added while absent: %s", event).isNull();
        }
      }
    }
    assertThat(List.copyOf(replayed.values())).isEqualTo(registry.allInstances());
  }

  @Test
  void historyKeepsTheLastEventsUpToItsLimit() {
    FakeRegistry small = FakeRegistry.builder().withHistoryLimit(3).build();
    for (int i = 0; i < 5; i++) {
      small.register(ServiceInstance.of("orders", "i-" + i, "http://h:1"), TTL);
    }
    assertThat(small.history()).extracting(e -> e.instance().instanceId()).containsExactly("i-2", "i-3", "i-4");
    assertThatThrownBy(() -> FakeRegistry.builder().withHistoryLimit(0))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("historyLimit must be positive but was: 0");
  }

  @Test
  void theLongestTtlIsGrantedYearsAfterTheClockStarted() {
    Duration longest = Duration.ofSeconds(9_000_000_000L);
    clock.advance(Duration.ofDays(365L * 10)); // the expiry check is 300 years after the clock's start

    Registration registration = registry.register(ORDERS_1, longest);
    registry.crash(registration);
    clock.advance(longest.minusSeconds(1));
    assertThat(registry.instances("orders")).containsExactly(ORDERS_1);
    clock.advance(Duration.ofSeconds(2));

    assertThat(registry.instances("orders")).isEmpty();
    assertThat(registration.state()).isEqualTo(RegistrationState.LOST);
  }
}
