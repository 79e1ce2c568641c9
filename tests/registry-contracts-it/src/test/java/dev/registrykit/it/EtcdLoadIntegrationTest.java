package dev.registrykit.it;

import static dev.registrykit.junit.RegistryAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import dev.registrykit.Registration;
import dev.registrykit.RegistrationState;
import dev.registrykit.ServiceInstance;
import dev.registrykit.etcd.EtcdRegistry;
import dev.registrykit.junit.etcd.EtcdHandle;
import dev.registrykit.junit.EtcdLifecycle;
import dev.registrykit.junit.EtcdRegistryTest;
import dev.registrykit.junit.RegistryTime;
import dev.registrykit.junit.TimeScale;
import io.etcd.jetcd.Client;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Many registrations in one registry on a real etcd (an etcd of this class's own, so the load and
 * the lease listings concern nobody else): 1,000 live registrations kept alive for 3 TTLs lose
 * none, and 50 threads registering and closing at once leave no key and no lease behind. Timings
 * are printed for the release notes.
 */
@EtcdRegistryTest(lifecycle = EtcdLifecycle.PER_CLASS)
class EtcdLoadIntegrationTest {

  private static final int LIVE = 1_000;
  private static final Duration TTL = Duration.ofSeconds(2);
  private static final int THREADS = 50;
  private static final int CYCLES = 20;

  /** A registry of its own, with the default call timeout (5 s) scaled as the toolkit's are. */
  private static EtcdRegistry registry(EtcdHandle etcd, String namespace) {
    return EtcdRegistry.builder().withEndpoints(etcd.endpoints().get(0).toString()).withNamespace(namespace)
        .withCallTimeout(TimeScale.scaled(Duration.ofSeconds(5))).build();
  }

  @Test
  void aThousandRegistrationsKeptAliveForThreeTtlsLoseNone(EtcdHandle etcd, Client client, RegistryTime time)
      throws Exception {
    String namespace = "/load-live";
    EtcdRegistry registry = registry(etcd, namespace);
    try {
      List<String> transitions = new CopyOnWriteArrayList<>();
      List<Registration> registrations = new ArrayList<>(LIVE);
      long started = System.nanoTime();
      for (int i = 0; i < LIVE; i++) {
        Registration registration = registry.register(
            ServiceInstance.of("svc-" + (i % 10), "i-" + i, "http://10.0." + (i / 250) + "." + (i % 250) + ":5000"), TTL);
        registration.addListener((r, from, to) -> transitions.add(r.instance().instanceId() + " " + from + "->" + to));
        registrations.add(registration);
      }
      long registeredMillis = (System.nanoTime() - started) / 1_000_000;
      assertThat(EtcdLoadRaw.count(client, namespace + "/")).isEqualTo(LIVE);

      long cpuBefore = processCpuNanos();
      long watchStart = System.nanoTime();
      long minCount = Long.MAX_VALUE;
      int checks = 0;
      Duration window = TTL.multipliedBy(3);
      while (System.nanoTime() - watchStart < window.toNanos()) {
        time.elapse(Duration.ofMillis(250));
        long count = EtcdLoadRaw.count(client, namespace + "/");
        minCount = Math.min(minCount, count);
        checks++;
        assertThat(count).as("keys after %s ms", (System.nanoTime() - watchStart) / 1_000_000).isEqualTo(LIVE);
        assertThat(transitions).as("state changes").isEmpty();
      }
      long cpuMillis = (processCpuNanos() - cpuBefore) / 1_000_000;
      assertThat(registrations).allSatisfy(r -> assertThat(r).isActive());

      long closing = System.nanoTime();
      registry.close();
      long closeMillis = (System.nanoTime() - closing) / 1_000_000;
      assertThat(EtcdLoadRaw.count(client, namespace + "/")).as("keys after close").isZero();
      System.out.printf("load: %d registrations (TTL %d s) registered in %d ms; kept alive %d s (%d keep-alives/s) "
              + "with %d checks, min keys %d, 0 LOST, process CPU %d ms over %d s on %d cores; close() took %d ms%n",
          LIVE, TTL.toSeconds(), registeredMillis, window.toSeconds(), LIVE * 3 / TTL.toSeconds(), checks, minCount,
          cpuMillis, window.toSeconds(), Runtime.getRuntime().availableProcessors(), closeMillis);
    } finally {
      registry.close();
    }
  }

  @Test
  void fiftyThreadsRegisteringAndClosingAtOnceLeaveNoKeyAndNoLease(EtcdHandle etcd, Client client, RegistryTime time)
      throws Exception {
    String namespace = "/load-churn";
    URI endpoint = etcd.endpoints().get(0);
    Set<Long> leasesBefore = EtcdLoadRaw.leaseIds(endpoint);
    ExecutorService threads = Executors.newFixedThreadPool(THREADS);
    try (EtcdRegistry registry = registry(etcd, namespace)) {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < THREADS; t++) {
        // Ten ids for fifty threads: registrations of one id replace each other while others close.
        ServiceInstance instance = ServiceInstance.of("churn", "i-" + (t % 10), "http://10.0.1." + t + ":5000");
        done.add(threads.submit(() -> {
          go.await();
          for (int c = 0; c < CYCLES; c++) {
            // 30 s: a lease left behind would still be listed when the test looks.
            Registration registration = registry.register(instance, Duration.ofSeconds(30));
            registration.close();
            assertThat(registration.state()).as("a registration of %s once closed", instance.instanceId())
                .isEqualTo(RegistrationState.CLOSED);
          }
          return null;
        }));
      }
      long started = System.nanoTime();
      go.countDown();
      for (Future<?> future : done) {
        future.get(TimeScale.scaled(Duration.ofSeconds(60)).toNanos(), TimeUnit.NANOSECONDS);
      }
      long millis = (System.nanoTime() - started) / 1_000_000;

      assertThat(EtcdLoadRaw.count(client, namespace + "/")).as("keys left").isZero();
      time.eventually(() -> {
        Set<Long> left = new HashSet<>(EtcdLoadRaw.leaseIds(endpoint));
        left.removeAll(leasesBefore);
        assertThat(left).as("leases left by %s register/close cycles", THREADS * CYCLES).isEmpty();
      });
      System.out.printf("churn: %d threads x %d register/close cycles (10 ids) in %d ms (%.1f cycles/s); "
              + "0 keys and 0 leases left%n", THREADS, CYCLES, millis, THREADS * CYCLES * 1000.0 / millis);
    } finally {
      threads.shutdownNow();
    }
  }

  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }
}
