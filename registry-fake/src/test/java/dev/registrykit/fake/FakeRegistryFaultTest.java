package dev.registrykit.fake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.registrykit.Recovery;
import dev.registrykit.Registration;
import dev.registrykit.RegistrationState;
import dev.registrykit.RegistryEvent;
import dev.registrykit.RegistryEvent.Added;
import dev.registrykit.RegistryEvent.Removed;
import dev.registrykit.RegistryUnavailableException;
import dev.registrykit.ServiceInstance;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

/** Fault.unavailable() and Fault.keepAliveFailure(..), healing, and recovery. */
class FakeRegistryFaultTest {

  private static final Duration TTL = Duration.ofSeconds(30);
  private static final ServiceInstance ORDERS_1 = ServiceInstance.of("orders", "i-1", "http://10.0.0.1:5000");
  private static final ServiceInstance ORDERS_2 = ServiceInstance.of("orders", "i-2", "http://10.0.0.2:5000");

  private final FakeRegistry registry = FakeRegistry.create();
  private final FakeClock clock = registry.clock();
  private final List<RegistryEvent> events = new CopyOnWriteArrayList<>();
  private final List<String> states = new CopyOnWriteArrayList<>();

  @Test
  void everyCallFailsDuringAnOutageNamingItselfAndWritesNothing() {
    registry.register(ORDERS_1, TTL);
    InjectedFault outage = registry.inject(Fault.unavailable());

    assertUnavailable("register", () -> registry.register(ORDERS_2, TTL));
    assertUnavailable("instances", () -> registry.instances("orders"));
    assertUnavailable("services", registry::services);
    assertUnavailable("allInstances", registry::allInstances);
    assertUnavailable("watch", () -> registry.watch("orders", events::add));
    assertUnavailable("watchAll", () -> registry.watchAll(events::add));
    assertUnavailable("election", () -> registry.election("migrations"));
    assertThat(registry.revision()).isEqualTo(2);

    outage.heal();
    outage.heal(); // idempotent
    assertThat(registry.instances("orders")).containsExactly(ORDERS_1);
  }

  @Test
  void anotherProgramsRawWritesGoThroughWhileThisRegistryIsCutOffButNotWhileEtcdIsDown() {
    registry.register(ORDERS_1, TTL);
    registry.watch("orders", events::add);
    events.clear();
    InjectedFault outage = registry.inject(Fault.unavailable());

    registry.putRaw("/services/orders/i-2", "{\"Id\":\"i-2\",\"Name\":\"orders\",\"Address\":\"http://10.0.0.2:5000\"}");
    assertThat(registry.deleteRaw("/services/orders/i-1")).isTrue();
    assertThat(registry.revision()).isEqualTo(4);
    assertThat(events).as("held back while this registry is cut off").isEmpty();

    outage.heal();
    assertThat(events).extracting(e -> e.getClass().getSimpleName() + " " + e.instance().instanceId())
        .containsExactly("Added i-2", "Removed i-1");

    registry.inject(Fault.down());
    assertThatThrownBy(() -> registry.putRaw("/services/orders/x", "{}"))
        .isInstanceOf(RegistryUnavailableException.class)
        .hasMessage("putRaw failed: the fake registry is unavailable (injected Fault.down(); heal it to start etcd again)");
    assertThatThrownBy(() -> registry.deleteRaw("/services/orders/i-2"))
        .isInstanceOf(RegistryUnavailableException.class)
        .hasMessageStartingWith("deleteRaw failed");
    assertThat(registry.revision()).isEqualTo(4);
  }

  private static void assertUnavailable(String call, ThrowingCallable callable) {
    assertThatThrownBy(callable)
        .isInstanceOf(RegistryUnavailableException.class)
        .hasMessage(call + " failed: the fake registry is unavailable (injected Fault.unavailable(); heal it to reconnect)");
  }

  @Test
  void badArgumentsStillFailAsBadArgumentsDuringAnOutage() {
    registry.inject(Fault.unavailable());

    assertThatThrownBy(() -> registry.register(ORDERS_1, Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> registry.instances("a b")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void overlappingOutagesEndWhenTheLastHeals() {
    InjectedFault first = registry.inject(Fault.unavailable());
    InjectedFault second = registry.inject(Fault.unavailable());
    assertThat(registry.faults()).containsExactly(Fault.unavailable(), Fault.unavailable());

    first.heal();
    assertThatThrownBy(registry::allInstances).isInstanceOf(RegistryUnavailableException.class);
    second.close();

    assertThat(registry.allInstances()).isEmpty();
    assertThat(registry.faults()).isEmpty();
  }

  @Test
  void healAllEndsEveryFaultAndReleasesWhatWatchersMissed() {
    Registration registration = registry.register(ORDERS_1, TTL);
    registry.watch("orders", events::add);
    registry.inject(Fault.keepAliveFailure(registration));
    registry.inject(Fault.unavailable());
    clock.advance(TTL);
    assertThat(events).containsExactly(new Added(ORDERS_1, 2));

    registry.healAll();

    assertThat(registry.faults()).isEmpty();
    assertThat(events).containsExactly(new Added(ORDERS_1, 2), new Removed(ORDERS_1, 3));
    clock.advance(TTL.dividedBy(3));
    assertThat(registration.state()).isEqualTo(RegistrationState.ACTIVE);
    assertThat(events).last().isEqualTo(new Added(ORDERS_1, 4));
  }

  @Test
  void aLeaseRunsOutTtlAfterItsLastRenewalDuringAnOutageAndTheRegistrationRecoversAtTheNextTick() {
    Registration registration = registry.register(ORDERS_1, TTL);
    registration.addListener((r, from, to) -> states.add(from + "->" + to + "@" + clock.instant()));
    registry.watch("orders", events::add);
    clock.advance(Duration.ofSeconds(15)); // renewed at 10 s

    InjectedFault outage = registry.inject(Fault.unavailable());
    clock.advance(Duration.ofSeconds(24)); // 39 s
    assertThat(registration.state()).isEqualTo(RegistrationState.ACTIVE);
    clock.advance(Duration.ofSeconds(1)); // 40 s: renewed at 10 s + 30 s
    assertThat(registration.state()).isEqualTo(RegistrationState.LOST);
    clock.advance(Duration.ofSeconds(25)); // 65 s
    outage.heal();
    assertThat(registration.state()).as("nothing happens before the next tick").isEqualTo(RegistrationState.LOST);
    clock.advance(Duration.ofSeconds(5)); // 70 s: a keep-alive tick (every 10 s since 0 s)

    assertThat(states).containsExactly("ACTIVE->LOST@2026-01-01T00:00:40Z", "LOST->ACTIVE@2026-01-01T00:01:10Z");
    assertThat(events).containsExactly(new Added(ORDERS_1, 2), new Removed(ORDERS_1, 3), new Added(ORDERS_1, 4));
    assertThat(registry.instances("orders")).containsExactly(ORDERS_1);
    clock.advance(TTL.multipliedBy(3));
    assertThat(registration.state()).as("kept alive again").isEqualTo(RegistrationState.ACTIVE);
  }

  @Test
  void anOutageShorterThanTheTtlLosesNothing() {
    Registration registration = registry.register(ORDERS_1, TTL);
    registry.watch("orders", events::add);

    try (InjectedFault outage = registry.inject(Fault.unavailable())) {
      clock.advance(TTL.minusSeconds(1));
    }
    clock.advance(TTL.multipliedBy(2));

    assertThat(registration.state()).isEqualTo(RegistrationState.ACTIVE);
    assertThat(events).containsExactly(new Added(ORDERS_1, 2));
  }

  @Test
  void aKeepAliveFailureIsSeenByWatchersAtTheExpiryAndTheRecovery() {
    Registration failing = registry.register(ORDERS_1, TTL);
    Registration healthy = registry.register(ORDERS_2, TTL);
    failing.addListener((r, from, to) -> states.add(from + "->" + to));
    registry.watch("orders", events::add);

    InjectedFault fault = registry.inject(Fault.keepAliveFailure(failing));
    assertThat(registry.instances("orders")).as("other calls work").containsExactly(ORDERS_1, ORDERS_2);
    clock.advance(TTL);
    assertThat(events).last().isEqualTo(new Removed(ORDERS_1, 4));
    assertThat(failing.state()).isEqualTo(RegistrationState.LOST);
    fault.heal();
    clock.advance(TTL.dividedBy(3));

    assertThat(states).containsExactly("ACTIVE->LOST", "LOST->ACTIVE");
    assertThat(events).last().isEqualTo(new Added(ORDERS_1, 5));
    assertThat(healthy.state()).isEqualTo(RegistrationState.ACTIVE);
  }

  @Test
  void withoutRecoveryAKeepAliveFailureLeavesTheRegistrationLostUntilClosed() {
    FakeRegistry fake = FakeRegistry.builder().withRecovery(Recovery.disabled()).build();
    Registration registration = fake.register(ORDERS_1, TTL);
    registration.addListener((r, from, to) -> states.add(from + "->" + to));

    fake.inject(Fault.keepAliveFailure(registration)).heal();
    fake.inject(Fault.keepAliveFailure(registration));
    fake.clock().advance(TTL);
    fake.healAll();
    fake.clock().advance(TTL.multipliedBy(10));
    assertThat(registration.state()).isEqualTo(RegistrationState.LOST);
    assertThat(fake.instances("orders")).isEmpty();

    registration.close();
    assertThat(states).containsExactly("ACTIVE->LOST", "LOST->CLOSED");
  }

  @Test
  void aCrashedRegistrationIsNotRecoveredWhenTheOutageHeals() {
    Registration registration = registry.register(ORDERS_1, TTL);
    InjectedFault outage = registry.inject(Fault.unavailable());
    clock.advance(TTL);
    registry.crash(registration); // the process dies during the outage

    outage.heal();
    clock.advance(TTL.multipliedBy(2));

    assertThat(registration.state()).isEqualTo(RegistrationState.LOST);
    assertThat(registry.instances("orders")).isEmpty();
  }

  @Test
  void aRegistrationClosedDuringAnOutageIsNotRecovered() {
    Registration registration = registry.register(ORDERS_1, TTL);
    InjectedFault outage = registry.inject(Fault.unavailable());
    assertThatThrownBy(registration::close).isInstanceOf(RegistryUnavailableException.class);
    clock.advance(TTL);

    outage.heal();
    clock.advance(TTL);

    assertThat(registration.state()).isEqualTo(RegistrationState.CLOSED);
    assertThat(registry.instances("orders")).isEmpty();
  }

  @Test
  void faultsNameTheirRegistrationAndRejectAForeignOne() {
    Registration mine = registry.register(ORDERS_1, TTL);
    Registration foreign = FakeRegistry.create().register(ORDERS_1, TTL);

    Registration other = registry.register(ORDERS_2, TTL);

    InjectedFault fault = registry.inject(Fault.keepAliveFailure(mine));
    clock.advance(TTL);

    assertThat(mine.state()).as("the registration the fault names").isEqualTo(RegistrationState.LOST);
    assertThat(other.state()).as("another registration of the same registry").isEqualTo(RegistrationState.ACTIVE);
    assertThat(registry.faults()).containsExactly(fault.fault()).containsExactly(Fault.keepAliveFailure(mine));
    assertThatThrownBy(() -> registry.inject(Fault.keepAliveFailure(foreign)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("inject needs a registration of this FakeRegistry but was: FakeRegistration[");
    assertThatThrownBy(() -> Fault.keepAliveFailure(null))
        .isInstanceOf(NullPointerException.class).hasMessage("registration must not be null");
    assertThatThrownBy(() -> registry.inject(null))
        .isInstanceOf(NullPointerException.class).hasMessage("fault must not be null");
  }
}
