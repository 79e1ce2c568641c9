package dev.registrykit.fake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.registrykit.InvalidEntry;
import dev.registrykit.Registration;
import dev.registrykit.RegistrationState;
import dev.registrykit.RegistryClosedException;
import dev.registrykit.RegistryEvent;
import dev.registrykit.RegistryEvent.Added;
import dev.registrykit.RegistryEvent.Removed;
import dev.registrykit.RegistryEvent.Updated;
import dev.registrykit.ServiceInstance;
import dev.registrykit.Subscription;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

/** Crash, close, replacement, revisions, callbacks and a clock shared by several fakes. */
class FakeRegistryLifecycleTest {

  private static final Duration TTL = Duration.ofSeconds(30);
  private static final ServiceInstance ORDERS_1 = ServiceInstance.of("orders", "i-1", "http://10.0.0.1:5000");
  private static final ServiceInstance ORDERS_2 = ServiceInstance.of("orders", "i-2", "http://10.0.0.2:5000");

  private final FakeRegistry registry = FakeRegistry.create();
  private final FakeClock clock = registry.clock();
  private final List<RegistryEvent> events = new CopyOnWriteArrayList<>();
  private final List<String> states = new CopyOnWriteArrayList<>();

  private void recordStates(Registration registration) {
    registration.addListener((r, from, to) -> states.add(r.instance().instanceId() + ":" + from + "->" + to));
  }

  @Test
  void aCrashedRegistrationIsListedUntilItsTtlThenRemovedOnceAndTurnsLost() {
    Registration registration = registry.register(ORDERS_1, TTL);
    recordStates(registration);
    registry.watch("orders", events::add);
    registry.crash(registration);

    clock.advance(TTL.minusMillis(1));
    assertThat(registry.instances("orders")).containsExactly(ORDERS_1);
    assertThat(registration.state()).isEqualTo(RegistrationState.ACTIVE);

    clock.advance(Duration.ofMillis(1));
    assertThat(registry.instances("orders")).isEmpty();
    clock.advance(TTL.multipliedBy(5));

    assertThat(events).containsExactly(new Added(ORDERS_1, 2), new Removed(ORDERS_1, 3));
    assertThat(states).containsExactly("i-1:ACTIVE->LOST");
    assertThat(registration.state()).as("a crashed registration is never recovered").isEqualTo(RegistrationState.LOST);
  }

  @Test
  void closingACrashedRegistrationAfterItsExpiryDeletesNothingAnotherProgramWrote() {
    Registration registration = registry.register(ORDERS_1, TTL);
    recordStates(registration);
    registry.crash(registration);
    clock.advance(TTL);
    ServiceInstance other = ServiceInstance.of("orders", "i-1", "http://elsewhere:1");
    registry.putRaw("/services/orders/i-1", "{\"Id\":\"i-1\",\"Name\":\"orders\",\"Address\":\"http://elsewhere:1\"}");
    long revision = registry.revision();

    registration.close();

    assertThat(registration.state()).isEqualTo(RegistrationState.CLOSED);
    assertThat(states).containsExactly("i-1:ACTIVE->LOST", "i-1:LOST->CLOSED");
    assertThat(registry.instances("orders")).containsExactly(other);
    assertThat(registry.revision()).as("no write").isEqualTo(revision);
  }

  @Test
  void aCrashedRegistrationReplacedByANewOneIsClosedAndItsLeaseNoLongerDeletesTheKey() {
    Registration crashed = registry.register(ORDERS_1, TTL);
    registry.crash(crashed);
    clock.advance(Duration.ofSeconds(20));
    registry.watch("orders", events::add);
    ServiceInstance restarted = ORDERS_1.withAddress("http://10.0.0.9:5000");

    Registration fresh = registry.register(restarted, TTL);
    clock.advance(TTL.multipliedBy(3));

    assertThat(crashed.state()).isEqualTo(RegistrationState.CLOSED);
    assertThat(fresh.state()).isEqualTo(RegistrationState.ACTIVE);
    assertThat(registry.instances("orders")).containsExactly(restarted);
    assertThat(events).containsExactly(new Added(ORDERS_1, 2), new Updated(restarted, ORDERS_1, 3));
  }

  @Test
  void replacingARegistrationClosesTheOldOneWhoseCloseThenDeletesNothing() {
    Registration first = registry.register(ORDERS_1, TTL);
    recordStates(first);
    ServiceInstance moved = ORDERS_1.withAddress("http://10.0.0.9:5000");
    Registration second = registry.register(moved, TTL);
    long revision = registry.revision();

    first.close();
    clock.advance(TTL.multipliedBy(2));

    assertThat(states).containsExactly("i-1:ACTIVE->CLOSED");
    assertThat(registry.revision()).as("neither the close nor the old lease wrote").isEqualTo(revision);
    assertThat(registry.instances("orders")).containsExactly(moved);
    second.close();
    assertThat(registry.instances("orders")).isEmpty();
  }

  @Test
  void closingTheRegistryClosesRegistrationsAndWatchesAndRefusesEveryCallByName() {
    Registration one = registry.register(ORDERS_1, TTL);
    Registration two = registry.register(ORDERS_2, TTL);
    recordStates(one);
    recordStates(two);
    Subscription watch = registry.watch("orders", events::add);

    registry.close();
    registry.close();

    assertThat(states).containsExactly("i-1:ACTIVE->CLOSED", "i-2:ACTIVE->CLOSED");
    assertThat(registry.history()).extracting(e -> e.getClass().getSimpleName())
        .containsExactly("Added", "Added", "Removed", "Removed");
    assertThat(events).containsExactly(new Added(ORDERS_1, 2), new Added(ORDERS_2, 3));
    watch.close(); // harmless
    assertRefused("register", () -> registry.register(ORDERS_1, TTL));
    assertRefused("register", () -> registry.register(ORDERS_1));
    assertRefused("instances", () -> registry.instances("orders"));
    assertRefused("services", registry::services);
    assertRefused("allInstances", registry::allInstances);
    assertRefused("watch", () -> registry.watch("orders", events::add));
    assertRefused("watchAll", () -> registry.watchAll(events::add));
    assertRefused("election", () -> registry.election("migrations"));
    assertRefused("crash", () -> registry.crash(one));
    assertRefused("inject", () -> registry.inject(Fault.unavailable()));
    one.close(); // harmless
    assertThat(registry.history()).as("still readable after close").hasSize(4);
  }

  @Test
  void anotherProgramWritesAfterTheRegistryClosedButNothingOfTheRegistryHearsOfIt() {
    List<InvalidEntry> invalid = new CopyOnWriteArrayList<>();
    FakeRegistry reporting = FakeRegistry.builder().withInvalidEntryListener(invalid::add).build();
    reporting.watchAll(events::add);
    reporting.close();

    reporting.putRaw("/services/orders/i-1", "{\"Id\":\"i-1\",\"Name\":\"orders\",\"Address\":\"http://10.0.0.1:5000\"}");
    reporting.putRaw("/services/orders/broken", "{oops");
    reporting.putRaw("/services/orders/i-2", "{\"Id\":\"i-2\",\"Name\":\"orders\",\"Address\":\"http://10.0.0.2:5000\"}",
        Duration.ofSeconds(5));
    reporting.clock().advance(Duration.ofSeconds(6));
    assertThat(reporting.deleteRaw("/services/orders/i-1")).isTrue();

    assertThat(reporting.history()).as("the store lives on, as etcd does").containsExactly(
        new Added(ORDERS_1, 2), new Added(ORDERS_2, 4), new Removed(ORDERS_2, 5), new Removed(ORDERS_1, 6));
    assertThat(events).as("the closed registry's watch").isEmpty();
    assertThat(invalid).as("the closed registry reads nothing, so reports nothing").isEmpty();
    assertThat(reporting.listenerFailures()).isEmpty();
  }

  private static void assertRefused(String call, ThrowingCallable callable) {
    assertThatThrownBy(callable)
        .isInstanceOf(RegistryClosedException.class)
        .hasMessage(call + " refused: this FakeRegistry is closed");
  }

  @Test
  void closingTheRegistryDuringAnOutageClosesRegistrationsButTheirKeysWaitForTheirLeases() {
    Registration registration = registry.register(ORDERS_1, TTL);
    registry.inject(Fault.unavailable());

    registry.close();
    assertThat(registration.state()).isEqualTo(RegistrationState.CLOSED);
    assertThat(registry.history()).hasSize(1);

    clock.advance(TTL);
    assertThat(registry.history()).last().isEqualTo(new Removed(ORDERS_1, 3));
  }

  @Test
  void everyWriteTakesTheNextRevisionAndEventsCarryIt() {
    assertThat(registry.revision()).isEqualTo(1);
    registry.watchAll(events::add);

    Registration one = registry.register(ORDERS_1, Duration.ofSeconds(5)); // 2
    registry.putRaw("/services/orders/i-2", "{\"Id\":\"i-2\",\"Name\":\"orders\",\"Address\":\"http://10.0.0.2:5000\"}"); // 3
    registry.putRaw("/services/orders/junk", "not json"); // 4: a write, but no event
    registry.deleteRaw("/services/orders/i-2"); // 5
    registry.crash(one);
    clock.advance(Duration.ofSeconds(5)); // 6: the expiry

    assertThat(registry.revision()).isEqualTo(6);
    assertThat(events).containsExactly(
        new Added(ORDERS_1, 2), new Added(ORDERS_2, 3), new Removed(ORDERS_2, 5), new Removed(ORDERS_1, 6));
    assertThat(registry.history()).isEqualTo(events);
  }

  @Test
  void clearHistoryForgetsThePastButNotTheRevisions() {
    registry.register(ORDERS_1, TTL);
    registry.clearHistory();
    assertThat(registry.history()).isEmpty();

    registry.register(ORDERS_2, TTL);

    assertThat(registry.history()).containsExactly(new Added(ORDERS_2, 3));
  }

  @Test
  void aListenerThatRegistersFromItsCallbackDoesNotDeadlockAndEveryoneHearsTheSameOrder() {
    List<RegistryEvent> second = new CopyOnWriteArrayList<>();
    registry.watch("orders", event -> {
      if (event.instance().equals(ORDERS_1) && event instanceof Added) {
        registry.register(ORDERS_2, TTL);
        registry.instances("orders"); // and reads back
      }
      events.add(event);
    });
    registry.watch("orders", second::add);

    registry.register(ORDERS_1, TTL);

    assertThat(events).containsExactly(new Added(ORDERS_1, 2), new Added(ORDERS_2, 3));
    assertThat(second).isEqualTo(events);
    assertThat(registry.listenerFailures()).isEmpty();
  }

  @Test
  void aListenerWaitingForAnotherThreadThatUsesTheRegistryDoesNotDeadlock() throws InterruptedException {
    AtomicReference<Boolean> otherFinished = new AtomicReference<>();
    registry.watch("orders", event -> {
      events.add(event);
      if (event.instance().equals(ORDERS_1)) {
        Thread other = new Thread(() -> registry.register(ORDERS_2, TTL), "other-registrant");
        other.start();
        try {
          other.join(Duration.ofSeconds(10).toMillis()); // time: load-free (one in-memory register; 10 s ends a deadlock)
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        otherFinished.set(!other.isAlive());
      }
    });

    registry.register(ORDERS_1, TTL);

    assertThat(otherFinished.get()).as("the other thread's register returned while a listener ran").isTrue();
    assertThat(events).containsExactly(new Added(ORDERS_1, 2), new Added(ORDERS_2, 3));
  }

  @Test
  void aRegistrationListenerMayCallBackIntoTheRegistryDuringAnAdvance() {
    Registration registration = registry.register(ORDERS_1, TTL);
    List<List<ServiceInstance>> seen = new ArrayList<>();
    registration.addListener((r, from, to) -> {
      seen.add(registry.instances("orders"));
      registry.register(ORDERS_2, TTL); // a replacement process starts
    });
    registry.crash(registration);

    clock.advance(TTL);

    assertThat(seen).containsExactly(List.of());
    assertThat(registry.instances("orders")).containsExactly(ORDERS_2);
  }

  @Test
  void aWatchClosedFromItsOwnCallbackHearsNothingMoreEvenWhatWasQueued() {
    Subscription[] watch = new Subscription[1];
    watch[0] = registry.watch("orders", event -> {
      events.add(event);
      watch[0].close();
    });
    registry.watch("orders", event -> {
      if (event.instance().equals(ORDERS_1)) {
        registry.register(ORDERS_2, TTL);
      }
    });

    registry.register(ORDERS_1, TTL);
    registry.register(ServiceInstance.of("orders", "i-3", "http://h:3"), TTL);

    assertThat(events).containsExactly(new Added(ORDERS_1, 2));
  }

  @Test
  void aListenerThatThrowsIsRecordedAndTheOthersAndTheRegistryGoOn() {
    Registration registration = registry.register(ORDERS_1, TTL);
    registration.addListener((r, from, to) -> {
      throw new IllegalStateException("registration listener broke");
    });
    recordStates(registration);
    registry.watch("orders", event -> {
      throw new AssertionError("watcher broke");
    });
    registry.watch("orders", events::add);

    registry.crash(registration);
    clock.advance(TTL);
    registry.register(ORDERS_2, TTL);

    assertThat(states).containsExactly("i-1:ACTIVE->LOST");
    assertThat(events).containsExactly(new Added(ORDERS_1, 2), new Removed(ORDERS_1, 3), new Added(ORDERS_2, 4));
    assertThat(registry.listenerFailures()).extracting(Throwable::getMessage)
        .containsExactly("watcher broke", "watcher broke", "registration listener broke", "watcher broke");
    assertThat(registry.instances("orders")).containsExactly(ORDERS_2);
  }

  @Test
  void oneClockDrivesSeveralFakesInDueOrder() {
    FakeClock shared = FakeClock.create();
    FakeRegistry east = FakeRegistry.builder().withClock(shared).build();
    FakeRegistry west = FakeRegistry.builder().withClock(shared).build();
    List<String> removed = new CopyOnWriteArrayList<>();
    east.watchAll(e -> removed.add("east:" + e.instance().instanceId() + "@" + shared.instant()));
    west.watchAll(e -> removed.add("west:" + e.instance().instanceId() + "@" + shared.instant()));
    Registration eastLong = east.register(ServiceInstance.of("orders", "e-long", "http://e:1"), Duration.ofSeconds(20));
    Registration westShort = west.register(ServiceInstance.of("orders", "w-short", "http://w:1"), Duration.ofSeconds(10));
    Registration eastShort = east.register(ServiceInstance.of("orders", "e-short", "http://e:2"), Duration.ofSeconds(10));
    removed.clear();
    east.crash(eastLong);
    west.crash(westShort);
    east.crash(eastShort);

    shared.advance(Duration.ofSeconds(25));

    assertThat(removed).containsExactly(
        "west:w-short@2026-01-01T00:00:10Z", "east:e-short@2026-01-01T00:00:10Z", "east:e-long@2026-01-01T00:00:20Z");
    assertThat(east.allInstances()).isEmpty();
    assertThat(west.allInstances()).isEmpty();
  }
}
