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
import dev.registrykit.junit.RecordingListener;
import dev.registrykit.junit.RegistryTime;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * What a registry costs while etcd is out of reach for 10 s: one registry with 20 registrations
 * (TTL 2 s) and 3 watchers, etcd stopped (connections refused at once: the case where a retry
 * without backoff would spin) and, in the other test, paused (calls hang until they time out).
 * Measures the CPU time of the registry's threads and of the process and counts the warnings of the
 * outage (jetcd's through slf4j, registrykit's and grpc-java's through java.util.logging), bounds them, and checks
 * that everything recovers once etcd is back, every registration within 5 s. The numbers are
 * printed for the release notes.
 */
@EtcdRegistryTest(lifecycle = EtcdLifecycle.PER_CLASS)
class EtcdOutageIntegrationTest {

  private static final int REGISTRATIONS = 20;
  private static final Duration TTL = Duration.ofSeconds(2);
  private static final Duration OUTAGE = Duration.ofSeconds(10);
  /**
   * The CPU the registry's own threads ({@code registrykit-etcd-*}) may burn during the 10 s outage.
   * Measured 40-90 ms, and 141-191 ms since the connection is retried on registrykit's backoff
   * (RELIABILITY.md, section 7); a loop retrying without backoff burns a core, 10 s. The bound is five
   * times the highest measured and a tenth of a busy loop.
   */
  private static final Duration REGISTRY_CPU_BOUND = Duration.ofMillis(1_000);
  /**
   * The CPU the whole test JVM may burn during the outage (on 2 cores, 20 s are available), gRPC's
   * threads included: a spin there is not on a registrykit thread. Measured 0.13-0.5 s, and 0.4-1.0 s
   * since the connection is retried on registrykit's backoff, most of it the test JVM itself (JIT,
   * GC), which a loaded machine makes costlier. The bound is half of what a busy loop burns (a core
   * for the outage), five times the highest measured.
   */
  private static final Duration CPU_BOUND = OUTAGE.dividedBy(2);
  /**
   * Warnings registrykit may log during the outage and its recovery, whatever the number of
   * registrations: the registrations of a registry share one limit per kind of warning (at most one
   * per 10 s, plus a line counting what was held back), each watch has its own. Measured 4 (paused)
   * and 14 (stopped), then 3 and 6 once the registry came back within a second; before registrations shared their limit, 20 and 69 (about 3 per registration).
   */
  private static final int WARNINGS_BOUND = 30;
  /**
   * How soon after etcd is back every registration must be ACTIVE again: the default {@code Recovery}
   * policy's longest backoff. Measured 0.65-0.7 s (stopped) and 0.25-0.3 s (paused). When gRPC alone decided
   * when to connect again (1 s, then 1.6 times longer after each failure), it took 6.7 s after the
   * stop, and one registration that had just begun a 5 s backoff once took more than 10 s.
   */
  private static final Duration BACK_WITHIN = Duration.ofSeconds(5);

  @Test
  void stoppedFor10SecondsTheRegistryStaysQuietAndRecovers(EtcdHandle etcd, RegistryTime time) throws Exception {
    outage("stopped", etcd, time, etcd::stop, etcd::start);
  }

  @Test
  void pausedFor10SecondsTheRegistryStaysQuietAndRecovers(EtcdHandle etcd, RegistryTime time) throws Exception {
    outage("paused", etcd, time, etcd::pause, etcd::unpause);
  }

  private static void outage(String how, EtcdHandle etcd, RegistryTime time, Runnable cut, Runnable restore)
      throws Exception {
    try (EtcdRegistry registry = EtcdRegistry.builder().withEndpoints(etcd.endpoints().get(0).toString())
        .withNamespace("/outage-" + how).withCallTimeout(Duration.ofSeconds(2)).build()) {
      List<Registration> registrations = new ArrayList<>();
      for (int i = 0; i < REGISTRATIONS; i++) {
        String service = i % 2 == 0 ? "orders" : "billing";
        registrations.add(registry.register(ServiceInstance.of(service, "i-" + i, "http://10.0.0.1:" + (5000 + i)), TTL));
      }
      AtomicInteger transitions = new AtomicInteger();
      registrations.forEach(r -> r.addListener((reg, from, to) -> transitions.incrementAndGet()));
      RecordingListener orders = new RecordingListener();
      RecordingListener billing = new RecordingListener();
      RecordingListener all = new RecordingListener();
      registry.watch("orders", orders);
      registry.watch("billing", billing);
      registry.watchAll(all);
      time.eventually(() -> assertThat(all).hasEventCount(REGISTRATIONS));

      long cpuBefore;
      long cpuAfter;
      long registryCpuBefore;
      long registryCpuAfter;
      List<String> ours;
      List<String> jetcd;
      try (EtcdOutageLogCapture log = new EtcdOutageLogCapture()) {
        cut.run();
        try {
          cpuBefore = processCpuNanos();
          registryCpuBefore = threadCpuNanos("registrykit-etcd-");
          time.elapse(OUTAGE);
          cpuAfter = processCpuNanos();
          registryCpuAfter = threadCpuNanos("registrykit-etcd-");
          assertThat(registrations).allSatisfy(r -> assertThat(r).isLost());
        } finally {
          restore.run();
        }
        long back = System.nanoTime();
        Awaitility.await("every registration ACTIVE again within " + BACK_WITHIN + " of etcd being back")
            .atMost(BACK_WITHIN).pollInterval(Duration.ofMillis(20)).untilAsserted(
                () -> assertThat(registrations).allSatisfy(r -> assertThat(r).isActive()));
        System.out.println(how + ": all " + REGISTRATIONS + " registrations ACTIVE "
            + (System.nanoTime() - back) / 1_000_000 + " ms after etcd was back");
        ours = log.warnings("dev.registrykit");
        jetcd = log.warnings("io.");
      }

      ServiceInstance later = ServiceInstance.of("orders", "after", "http://10.0.0.9:5000");
      registry.register(later, TTL);
      time.eventually(() -> assertThat(orders).sawAdded(later));
      time.eventually(() -> assertThat(all).sawAdded(later));
      time.eventually(() -> assertThat(orders).replaysTo(registry.instances("orders")));
      time.eventually(() -> assertThat(billing).replaysTo(registry.instances("billing")));
      time.eventually(() -> assertThat(all).replaysTo(registry.allInstances()));
      assertThat(registrations).allSatisfy(r -> assertThat(r.state()).isEqualTo(RegistrationState.ACTIVE));

      Duration cpu = Duration.ofNanos(cpuAfter - cpuBefore);
      Duration registryCpu = Duration.ofNanos(registryCpuAfter - registryCpuBefore);
      System.out.printf("etcd %s for %d s, %d registrations (TTL %d s), 3 watchers, %d cores: process CPU %d ms "
              + "(registry threads %d ms); warnings logged: registrykit %d, jetcd/grpc %d; state changes %d%n",
          how, OUTAGE.toSeconds(), REGISTRATIONS, TTL.toSeconds(), Runtime.getRuntime().availableProcessors(),
          cpu.toMillis(), registryCpu.toMillis(), ours.size(), jetcd.size(), transitions.get());
      ours.stream().limit(10).forEach(line -> System.out.println("  " + line));
      assertThat(registryCpu).as("CPU time of the registry's threads during %s of etcd %s", OUTAGE, how)
          .isLessThan(REGISTRY_CPU_BOUND);
      assertThat(cpu).as("process CPU time during %s of etcd %s", OUTAGE, how).isLessThan(CPU_BOUND);
      assertThat(ours.size()).as("registrykit warnings during the outage and recovery: %s", ours)
          .isLessThanOrEqualTo(WARNINGS_BOUND);
      assertThat(jetcd.size()).as("jetcd and grpc-java warnings during the outage and recovery: %s", jetcd)
          .isLessThanOrEqualTo(WARNINGS_BOUND);
      assertThat(transitions.get()).as("state changes: one LOST and one ACTIVE per registration")
          .isEqualTo(2 * REGISTRATIONS);
    }
  }

  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  private static long threadCpuNanos(String namePrefix) {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    long total = 0;
    for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
      if (info != null && info.getThreadName().startsWith(namePrefix)) {
        total += Math.max(0, threads.getThreadCpuTime(info.getThreadId()));
      }
    }
    return total;
  }
}
