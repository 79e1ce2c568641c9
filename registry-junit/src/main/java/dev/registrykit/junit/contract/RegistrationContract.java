package dev.registrykit.junit.contract;

import static dev.registrykit.junit.RegistryAssertions.assertThat;
import static dev.registrykit.junit.contract.ContractSupport.BILLING_1;
import static dev.registrykit.junit.contract.ContractSupport.LONG_TTL;
import static dev.registrykit.junit.contract.ContractSupport.ORDERS_1;
import static dev.registrykit.junit.contract.ContractSupport.ORDERS_2;
import static dev.registrykit.junit.contract.ContractSupport.SHORT_TTL;
import static dev.registrykit.junit.contract.ContractSupport.holdsUntilJustBeforeTheTtl;
import static dev.registrykit.junit.contract.ContractSupport.quietWindow;
import static dev.registrykit.junit.contract.ContractSupport.recordStates;
import static dev.registrykit.junit.contract.ContractSupport.watch;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.registrykit.Registration;
import dev.registrykit.RegistrationState;
import dev.registrykit.Registry;
import dev.registrykit.RegistryClosedException;
import dev.registrykit.RegistryEvent.Added;
import dev.registrykit.RegistryEvent.Updated;
import dev.registrykit.RegistryUnavailableException;
import dev.registrykit.ServiceInstance;
import dev.registrykit.Subscription;
import dev.registrykit.junit.RecordingListener;
import dev.registrykit.junit.BackendControls;
import dev.registrykit.junit.RegistryTime;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * Registrations and their leases: the TTL granted; a crashed instance listed until its TTL and gone
 * after it, its registration {@code LOST}; keep-alive; closing a registration or the whole registry;
 * registering an id again; and a registration that outlives an outage.
 *
 * <p>A part of {@link RegistryContract}, which runs every part; a test class that implements this
 * part alone, annotated with the extension that supplies the registry, runs these tests alone.
 */
public interface RegistrationContract {

  // ------------------------------------------------------------------------------ leases

  @Test
  default void registeringWithoutATtlUsesThirtySeconds(Registry registry) {
    assertThat(registry.register(ORDERS_1).ttl()).isEqualTo(Duration.ofSeconds(30));
  }

  @Test
  default void theTtlGrantedIsTheOneAskedForAboveTheMinimum(Registry registry) {
    assertThat(registry.register(ORDERS_1, Duration.ofSeconds(7)).ttl()).isEqualTo(Duration.ofSeconds(7));
    assertThat(registry.register(ORDERS_2, Duration.ofSeconds(60)).ttl()).isEqualTo(Duration.ofSeconds(60));
  }

  @Test
  default void aCrashedInstanceExpiresAfterItsTtl(Registry registry, BackendControls backend, RegistryTime time) {
    // 2 s: on etcd, which reports a lease's time left in whole seconds, a second to look before the TTL
    Registration registration = registry.register(ORDERS_1, SHORT_TTL.multipliedBy(2));

    time.crash(registration);
    holdsUntilJustBeforeTheTtl(backend, time, registration, "orders/i-1 is listed",
        () -> assertThat(registry).as("before its TTL").hasInstance(ORDERS_1));
    time.awaitExpiry(registration);

    assertThat(registry).doesNotHaveInstance(ORDERS_1);
  }

  @Test
  default void aCrashedInstanceIsStillListedBeforeItsTtl(Registry registry, BackendControls backend, RegistryTime time) {
    Registration registration = registry.register(ORDERS_1, Duration.ofSeconds(5));

    time.crash(registration);

    holdsUntilJustBeforeTheTtl(backend, time, registration, "orders/i-1 is listed",
        () -> assertThat(registry).hasInstance(ORDERS_1));
  }

  @Test
  default void aCrashedRegistrationTurnsLostWhenItsLeaseRunsOut(Registry registry, RegistryTime time) {
    Registration registration = registry.register(ORDERS_1, SHORT_TTL);
    List<String> states = recordStates(registration);

    time.crash(registration);
    time.awaitExpiry(registration);

    time.eventually(() -> assertThat(registration).isLost());
    assertThat(states).containsExactly("ACTIVE->LOST");
  }

  @Test
  default void keepAliveKeepsAnInstancePastThreeTtls(Registry registry, RegistryTime time) {
    Registration registration = registry.register(ORDERS_1, SHORT_TTL);

    time.elapse(SHORT_TTL.multipliedBy(3).plusMillis(500));

    assertThat(registry).hasInstance(ORDERS_1);
    assertThat(registration).isActive();
  }

  @Test
  default void expiryRemovesOnlyTheCrashedInstance(Registry registry, RegistryTime time) {
    Registration crashed = registry.register(ORDERS_1, SHORT_TTL);
    registry.register(ORDERS_2, SHORT_TTL);

    time.crash(crashed);
    time.awaitExpiry(crashed);

    assertThat(registry.instances("orders")).containsExactly(ORDERS_2);
  }

  // ------------------------------------------------------------------------------ deregistration

  @Test
  default void closingARegistrationRemovesItsInstanceAtOnce(Registry registry) {
    Registration registration = registry.register(ORDERS_1, LONG_TTL);

    registration.close();

    assertThat(registry).doesNotHaveInstance(ORDERS_1);
    assertThat(registration).isClosed();
  }

  @Test
  default void closingARegistrationTwiceIsHarmless(Registry registry) {
    Registration registration = registry.register(ORDERS_1, LONG_TTL);
    registry.register(ORDERS_2, LONG_TTL);

    registration.close();
    registration.close();

    assertThat(registry.instances("orders")).containsExactly(ORDERS_2);
  }

  @Test
  default void listenersHearTheCloseAndNothingAfterRemoval(Registry registry, RegistryTime time) {
    Registration registration = registry.register(ORDERS_1, LONG_TTL);
    List<String> states = recordStates(registration);
    List<String> removedListener = new CopyOnWriteArrayList<>();
    Subscription subscription = registration.addListener((r, from, to) -> removedListener.add(from + "->" + to));
    subscription.close();

    registration.close();

    time.eventually(() -> assertThat(states).containsExactly("ACTIVE->CLOSED"));
    time.elapse(quietWindow(time));
    assertThat(states).containsExactly("ACTIVE->CLOSED");
    assertThat(removedListener).isEmpty();
  }

  @Test
  default void closingTheRegistryDeregistersEverythingAndRefusesLaterCalls(Registry registry, BackendControls backend) {
    Registration one = registry.register(ORDERS_1, LONG_TTL);
    Registration two = registry.register(BILLING_1, LONG_TTL);
    assertThat(backend.getRaw("orders", "i-1")).as("the key of orders/i-1 before the close").isPresent();

    registry.close();

    // read by another program: the keys are gone from the store, not only from this registry's view
    assertThat(backend.getRaw("orders", "i-1")).as("the key of orders/i-1 after the close").isEmpty();
    assertThat(backend.getRaw("billing", "b-1")).as("the key of billing/b-1 after the close").isEmpty();
    assertThat(one.state()).isEqualTo(RegistrationState.CLOSED);
    assertThat(two.state()).isEqualTo(RegistrationState.CLOSED);
    assertThatThrownBy(() -> registry.instances("orders")).isInstanceOf(RegistryClosedException.class);
    assertThatThrownBy(() -> registry.register(ORDERS_2, LONG_TTL)).isInstanceOf(RegistryClosedException.class);
    registry.close();
  }

  @Test
  default void closingTheRegistryEndsItsWatchesBeforeDeregistering(Registry registry, BackendControls backend,
      RegistryTime time) {
    registry.register(ORDERS_1, LONG_TTL);
    registry.register(BILLING_1, LONG_TTL);
    RecordingListener all = new RecordingListener();
    registry.watchAll(all);
    RecordingListener orders = watch(registry, "orders");
    time.eventually(() -> assertThat(all).hasEventCount(2));
    time.eventually(() -> assertThat(orders).hasEventCount(1));

    registry.close();
    backend.putRaw("orders", "i-2", "{\"Id\":\"i-2\",\"Name\":\"orders\",\"Address\":\"http://10.0.0.2:5000\"}");
    time.elapse(quietWindow(time));

    assertThat(all.events()).as("what watchAll heard: nothing once close() began, neither the deregistrations "
        + "nor another program's write after it").containsExactly(
            new Added(ORDERS_1, all.events().get(0).revision()), new Added(BILLING_1, all.events().get(1).revision()));
    assertThat(orders.events()).as("what the watch of orders heard").containsExactly(
        new Added(ORDERS_1, orders.events().get(0).revision()));
  }

  // ------------------------------------------------------------------------------ re-registration

  @Test
  default void registeringAnIdAgainUpdatesIt(Registry registry, RegistryTime time) {
    registry.register(ORDERS_1, LONG_TTL);
    RecordingListener events = watch(registry, "orders");
    ServiceInstance moved = ORDERS_1.withAddress("http://10.0.0.9:5000");

    registry.register(moved, LONG_TTL);

    assertThat(registry.instances("orders")).containsExactly(moved);
    time.eventually(() -> assertThat(events).hasEventCount(2).sawAdded(ORDERS_1).sawUpdated(moved));
    Updated updated = (Updated) events.events().get(1);
    assertThat(updated.previous()).isEqualTo(ORDERS_1);
  }

  @Test
  default void registeringAnIdAgainRetiresTheOldRegistrationButKeepsTheKey(Registry registry, RegistryTime time) {
    Registration first = registry.register(ORDERS_1, SHORT_TTL);
    List<String> states = recordStates(first);
    ServiceInstance moved = ORDERS_1.withAddress("http://10.0.0.9:5000");
    Registration second = registry.register(moved, SHORT_TTL);

    assertThat(first).as("the old registration, right after the second register").isClosed();
    assertThat(second).isActive();
    time.eventually(() -> assertThat(states).containsExactly("ACTIVE->CLOSED"));
    first.close(); // harmless: the key is on the new lease now
    time.elapse(SHORT_TTL.multipliedBy(2).plusMillis(500));

    assertThat(first).isClosed();
    assertThat(second).isActive();
    assertThat(registry.instances("orders")).containsExactly(moved);
  }

  // ------------------------------------------------------------------------------ faults

  @Test
  default void anUnavailableRegistryFailsCallsAndRecoversWhenHealed(Registry registry, BackendControls backend,
      RegistryTime time) {
    Registration registration = registry.register(ORDERS_1, SHORT_TTL);

    backend.makeUnavailable();
    try {
      assertThatThrownBy(() -> registry.instances("orders")).isInstanceOf(RegistryUnavailableException.class);
      time.elapse(SHORT_TTL.multipliedBy(2));
      time.eventually(() -> assertThat(registration).isLost());
    } finally {
      backend.heal();
    }
    time.elapse(SHORT_TTL);

    time.eventually(() -> assertThat(registration).isActive());
    time.eventually(() -> assertThat(registry.instances("orders")).containsExactly(ORDERS_1));
  }
}
