package dev.registrykit.junit.contract;

import static dev.registrykit.junit.contract.ContractSupport.BILLING_1;
import static dev.registrykit.junit.contract.ContractSupport.LONG_TTL;
import static dev.registrykit.junit.contract.ContractSupport.ORDERS_1;
import static dev.registrykit.junit.contract.ContractSupport.ORDERS_2;
import static dev.registrykit.junit.contract.ContractSupport.ORDERS_3;
import static dev.registrykit.junit.contract.ContractSupport.THREADS_TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;

import dev.registrykit.Registration;
import dev.registrykit.Registry;
import dev.registrykit.ServiceInstance;
import dev.registrykit.junit.TimeScale;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * What a {@link Registry} lists: the instances of a service sorted by id, the services sorted and only
 * while they have instances, every instance by service then id, metadata as registered, and many
 * instances registered from several threads at once.
 *
 * <p>A part of {@link RegistryContract}, which runs every part; a test class that implements this
 * part alone, annotated with the extension that supplies the registry, runs these tests alone.
 */
public interface ListingContract {

  @Test
  default void aRegisteredInstanceIsListed(Registry registry) {
    registry.register(ORDERS_1, LONG_TTL);

    assertThat(registry.instances("orders")).containsExactly(ORDERS_1);
  }

  @Test
  default void instancesAreListedByInstanceId(Registry registry) {
    registry.register(ORDERS_3, LONG_TTL);
    registry.register(ORDERS_1, LONG_TTL);
    registry.register(ORDERS_2, LONG_TTL);

    assertThat(registry.instances("orders")).containsExactly(ORDERS_1, ORDERS_2, ORDERS_3);
  }

  @Test
  default void servicesAreListedSortedAndOnlyWhileTheyHaveInstances(Registry registry) {
    registry.register(ORDERS_1, LONG_TTL);
    Registration billing = registry.register(BILLING_1, LONG_TTL);
    assertThat(registry.services()).containsExactly("billing", "orders");

    billing.close();

    assertThat(registry.services()).containsExactly("orders");
  }

  @Test
  default void allInstancesAreListedByServiceThenId(Registry registry) {
    registry.register(ORDERS_2, LONG_TTL);
    registry.register(BILLING_1, LONG_TTL);
    registry.register(ORDERS_1, LONG_TTL);

    assertThat(registry.allInstances()).containsExactly(BILLING_1, ORDERS_1, ORDERS_2);
  }

  @Test
  default void allInstancesAreSortedByServiceNameWhereTheKeysSortOtherwise(Registry registry) {
    // '-' and '.' sort before '/': etcd's keys are orders-v2/x, orders.eu/a, orders/i-1, orders/i-2
    ServiceInstance dashed = ServiceInstance.of("orders-v2", "x", "http://10.0.0.9:5000");
    ServiceInstance dotted = ServiceInstance.of("orders.eu", "a", "http://10.0.0.8:5000");
    registry.register(ORDERS_2, LONG_TTL);
    registry.register(dotted, LONG_TTL);
    registry.register(ORDERS_1, LONG_TTL);
    registry.register(dashed, LONG_TTL);

    assertThat(registry.allInstances()).containsExactly(ORDERS_1, ORDERS_2, dashed, dotted);
    assertThat(registry.services()).containsExactly("orders", "orders-v2", "orders.eu");
    assertThat(registry.instances("orders")).containsExactly(ORDERS_1, ORDERS_2);
  }

  @Test
  default void anUnknownServiceHasNoInstances(Registry registry) {
    assertThat(registry.instances("nobody")).isEmpty();
    assertThat(registry.services()).isEmpty();
    assertThat(registry.allInstances()).isEmpty();
  }

  @Test
  default void aServiceNameIsNotAPrefixOfAnother(Registry registry) {
    ServiceInstance longer = ServiceInstance.of("orders-v2", "i-1", "http://10.0.0.9:5000");
    registry.register(longer, LONG_TTL);
    registry.register(ORDERS_1, LONG_TTL);

    assertThat(registry.instances("orders")).containsExactly(ORDERS_1);
    assertThat(registry.instances("orders-v2")).containsExactly(longer);
  }

  @Test
  default void metadataSurvivesTheRoundTrip(Registry registry) {
    ServiceInstance tagged = ORDERS_1.withMetadata("zone", "eu-west-1a").withMetadata("version", "2.4.1");
    registry.register(tagged, LONG_TTL);

    assertThat(registry.instances("orders")).containsExactly(tagged);
  }

  @Test
  default void manyInstancesOfManyServices(Registry registry) {
    List<ServiceInstance> expected = new ArrayList<>();
    for (int s = 0; s < 5; s++) {
      for (int i = 0; i < 20; i++) {
        ServiceInstance instance = ServiceInstance.of("svc-" + s, String.format("i-%02d", i), "http://10.1." + s + "." + i + ":80");
        registry.register(instance, LONG_TTL);
        expected.add(instance);
      }
    }

    assertThat(registry.allInstances()).containsExactlyElementsOf(expected);
    assertThat(registry.services()).hasSize(5);
    assertThat(registry.instances("svc-3")).hasSize(20);
  }

  @Test
  default void severalThreadsRegisterAtOnce(Registry registry) throws InterruptedException {
    List<Throwable> failures = new CopyOnWriteArrayList<>();
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      int worker = t;
      Thread thread = new Thread(() -> {
        try {
          for (int i = 0; i < 25; i++) {
            registry.register(ServiceInstance.of("concurrent", "w" + worker + "-" + i, "http://h:" + (1000 + i)), LONG_TTL);
          }
        } catch (Throwable e) {
          failures.add(e);
        }
      }, "contract-register-" + t);
      threads.add(thread);
      thread.start();
    }
    Duration timeout = TimeScale.scaled(THREADS_TIMEOUT);
    long deadline = System.nanoTime() + timeout.toNanos();
    for (Thread thread : threads) {
      thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
    }
    List<String> stuck = threads.stream().filter(Thread::isAlive).map(Thread::getName).toList();
    threads.forEach(Thread::interrupt); // leave no thread behind if some are stuck

    assertThat(stuck).as("threads still registering %s after they started", timeout).isEmpty();
    assertThat(failures).isEmpty();
    assertThat(registry.instances("concurrent")).hasSize(100);
  }
}
