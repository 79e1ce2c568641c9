package dev.registrykit.junit.contract;

import static dev.registrykit.junit.RegistryAssertions.assertThat;
import static dev.registrykit.junit.contract.ContractSupport.BILLING_1;
import static dev.registrykit.junit.contract.ContractSupport.LONG_TTL;
import static dev.registrykit.junit.contract.ContractSupport.ORDERS_1;
import static dev.registrykit.junit.contract.ContractSupport.ORDERS_2;
import static dev.registrykit.junit.contract.ContractSupport.ORDERS_3;
import static dev.registrykit.junit.contract.ContractSupport.SHORT_TTL;
import static dev.registrykit.junit.contract.ContractSupport.quietWindow;
import static dev.registrykit.junit.contract.ContractSupport.watch;
import static org.assertj.core.api.Assertions.assertThat;

import dev.registrykit.Registration;
import dev.registrykit.Registry;
import dev.registrykit.RegistryEvent.Added;
import dev.registrykit.RegistryEvent.Removed;
import dev.registrykit.ServiceInstance;
import dev.registrykit.Subscription;
import dev.registrykit.junit.RecordingListener;
import dev.registrykit.junit.RegistryTime;
import org.junit.jupiter.api.Test;

/**
 * Watches: a watch first reports what is there, in revision order, then every addition and removal
 * (an expiry too) of its own service alone, with increasing revisions, missing and repeating nothing;
 * a closed watch reports nothing more; {@code watchAll} sees every service.
 *
 * <p>A part of {@link RegistryContract}, which runs every part; a test class that implements this
 * part alone, annotated with the extension that supplies the registry, runs these tests alone.
 */
public interface WatchContract {

  @Test
  default void aWatchFirstReportsWhatIsThereInRevisionOrder(Registry registry, RegistryTime time) {
    registry.register(ORDERS_2, LONG_TTL);
    registry.register(ORDERS_1, LONG_TTL);

    RecordingListener events = watch(registry, "orders");

    time.eventually(() -> assertThat(events).hasEventCount(2));
    assertThat(events.events()).containsExactly(
        new Added(ORDERS_2, events.events().get(0).revision()), new Added(ORDERS_1, events.events().get(1).revision()));
    assertThat(events).hasIncreasingRevisions();
  }

  @Test
  default void aWatchReportsAdditionsAndRemovals(Registry registry, RegistryTime time) {
    RecordingListener events = watch(registry, "orders");

    Registration registration = registry.register(ORDERS_1, LONG_TTL);
    registration.close();

    time.eventually(() -> assertThat(events).hasEventCount(2));
    assertThat(events.events()).containsExactly(
        new Added(ORDERS_1, events.events().get(0).revision()), new Removed(ORDERS_1, events.events().get(1).revision()));
    assertThat(events).hasIncreasingRevisions();
  }

  @Test
  default void aWatchReportsAnExpiryAsRemoved(Registry registry, RegistryTime time) {
    Registration registration = registry.register(ORDERS_1, SHORT_TTL);
    RecordingListener events = watch(registry, "orders");

    time.crash(registration);
    time.awaitExpiry(registration);

    time.eventually(() -> assertThat(events).hasEventCount(2).sawAdded(ORDERS_1).sawRemoved(ORDERS_1));
  }

  @Test
  default void aWatchStartedLateMissesNothingAndRepeatsNothing(Registry registry, RegistryTime time) {
    Registration one = registry.register(ORDERS_1, LONG_TTL);
    registry.register(ORDERS_2, LONG_TTL);

    RecordingListener events = watch(registry, "orders");
    one.close();
    registry.register(ORDERS_3, LONG_TTL);

    time.eventually(() -> assertThat(events).hasEventCount(4));
    assertThat(events.events()).extracting(e -> e.getClass().getSimpleName() + " " + e.instance().instanceId())
        .containsExactly("Added i-1", "Added i-2", "Removed i-1", "Added i-3");
    assertThat(events).hasIncreasingRevisions().replaysTo(registry.instances("orders"));
  }

  @Test
  default void aClosedWatchReportsNothingMore(Registry registry, RegistryTime time) {
    RecordingListener events = new RecordingListener();
    Subscription subscription = registry.watch("orders", events);
    registry.register(ORDERS_1, LONG_TTL);
    time.eventually(() -> assertThat(events).hasEventCount(1));

    subscription.close();
    registry.register(ORDERS_2, LONG_TTL);
    time.elapse(quietWindow(time));

    assertThat(events).hasEventCount(1);
  }

  @Test
  default void aWatchOfOneServiceIgnoresTheOthers(Registry registry, RegistryTime time) {
    RecordingListener events = watch(registry, "orders");

    registry.register(BILLING_1, LONG_TTL);
    registry.register(ServiceInstance.of("orders-v2", "x", "http://h:1"), LONG_TTL);
    registry.register(ORDERS_1, LONG_TTL);

    time.eventually(() -> assertThat(events).sawAdded(ORDERS_1));
    time.elapse(quietWindow(time));
    assertThat(events).hasEventCount(1);
  }

  @Test
  default void watchAllSeesEveryService(Registry registry, RegistryTime time) {
    registry.register(BILLING_1, LONG_TTL);
    RecordingListener events = new RecordingListener();
    registry.watchAll(events);

    registry.register(ORDERS_1, LONG_TTL);

    time.eventually(() -> assertThat(events).hasEventCount(2).sawAdded(BILLING_1).sawAdded(ORDERS_1));
  }

  @Test
  default void revisionsIncreaseFromChangeToChange(Registry registry, RegistryTime time) {
    RecordingListener events = watch(registry, "orders");
    Registration one = registry.register(ORDERS_1, LONG_TTL);
    registry.register(ORDERS_2, LONG_TTL);
    registry.register(ORDERS_1.withAddress("http://h:9"), LONG_TTL);
    one.close();

    time.eventually(() -> assertThat(events).hasEventCount(3));
    assertThat(events).hasIncreasingRevisions();
    assertThat(events.events()).allSatisfy(e -> assertThat(e.revision()).isPositive());
  }
}
