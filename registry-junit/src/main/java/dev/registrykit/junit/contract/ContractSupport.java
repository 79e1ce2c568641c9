package dev.registrykit.junit.contract;

import static org.assertj.core.api.Assertions.assertThat;

import dev.registrykit.Registration;
import dev.registrykit.Registry;
import dev.registrykit.ServiceInstance;
import dev.registrykit.junit.RecordingListener;
import dev.registrykit.junit.BackendControls;
import dev.registrykit.junit.RegistryTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * What the parts of {@link RegistryContract} share: the instances and TTLs they register, and the
 * helpers that let one test body wait alike on the fake, whose time stands still between calls, and
 * on etcd, whose time runs.
 */
final class ContractSupport {

  /** A TTL long enough that nothing expires during a test unless it is crashed. */
  static final Duration LONG_TTL = Duration.ofSeconds(30);
  /** A TTL short enough to test expiry on etcd in about a second. */
  static final Duration SHORT_TTL = Duration.ofSeconds(1);
  /** How much before its TTL from the call that granted it etcd may remove a key (README, expiry timing). */
  static final Duration ETCD_EARLY_EXPIRY = Duration.ofMillis(100);
  /** {@link BackendControls#name()} of the fake, whose time stands still between calls. */
  static final String FAKE = "fake";
  /** How long the threads of {@link ListingContract#severalThreadsRegisterAtOnce} may take for 100 registrations. */
  static final Duration THREADS_TIMEOUT = Duration.ofSeconds(30);

  static final ServiceInstance ORDERS_1 = ServiceInstance.of("orders", "i-1", "http://10.0.0.1:5000");
  static final ServiceInstance ORDERS_2 = ServiceInstance.of("orders", "i-2", "http://10.0.0.2:5000");
  static final ServiceInstance ORDERS_3 = ServiceInstance.of("orders", "i-3", "http://10.0.0.3:5000");
  static final ServiceInstance BILLING_1 = ServiceInstance.of("billing", "b-1", "http://10.0.1.1:7000");

  private ContractSupport() {
  }

  /**
   * How long a test waits to see that nothing more comes (no event, no state change): a fifth of
   * {@link RegistryTime#expiryMargin()}. On etcd that is 300 ms times {@code registrykit.time.scale},
   * three times the slowest watch delivery measured on a loaded machine (p99 100 ms, BENCHMARKS.md
   * figure 4); on the fake, whose listeners run before the call returns, 100 ms of its clock.
   */
  static Duration quietWindow(RegistryTime time) {
    return time.expiryMargin().dividedBy(5);
  }

  /**
   * Lets time pass until just before a lease granted after {@code startNanos} (a {@link System#nanoTime()}
   * taken before the call that granted it) may run out. On the fake, whose clock has not moved since
   * then: the TTL minus one tick (1 ns) exactly. On etcd, which never removes a key before TTL - 100 ms
   * from the call ({@link #ETCD_EARLY_EXPIRY}, the clocks of the JVM and of etcd): until that point
   * less a third of the scaled {@link RegistryTime#expiryMargin()} (500 ms at scale 1), left for the
   * wait to end and the check to reach etcd; {@link #requireLookedBeforeTheTtl} then tells whether it did.
   */
  static void elapseToJustBeforeTheTtl(BackendControls backend, RegistryTime time, long startNanos,
      Duration ttl) {
    if (FAKE.equals(backend.name())) {
      time.elapse(ttl.minusNanos(1));
      return;
    }
    Duration lookAt = ttl.minus(ETCD_EARLY_EXPIRY).minus(time.expiryMargin().dividedBy(3));
    Duration left = lookAt.minusNanos(System.nanoTime() - startNanos);
    if (!left.isNegative() && !left.isZero()) {
      time.elapse(left);
    }
  }

  /**
   * On etcd, fails unless the check just made ended before TTL - 100 ms from {@code startNanos}: a
   * check made later could not tell an early expiry from a timely one, and must not pass for one.
   */
  static void requireLookedBeforeTheTtl(BackendControls backend, long startNanos, Duration ttl) {
    if (FAKE.equals(backend.name())) {
      return; // its clock stood still at TTL minus one tick during the check
    }
    long lookedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
    assertThat(lookedMillis).as("ms from before the lease was granted until the check ended: too late to tell "
        + "an expiry before the TTL (%s) from one after it; on a machine this slow raise registrykit.time.scale",
        ttl).isLessThan(ttl.minus(ETCD_EARLY_EXPIRY).toMillis());
  }

  static RecordingListener watch(Registry registry, String service) {
    RecordingListener events = new RecordingListener();
    registry.watch(service, events);
    return events;
  }

  static List<String> recordStates(Registration registration) {
    List<String> states = Collections.synchronizedList(new ArrayList<>());
    registration.addListener((r, from, to) -> states.add(from + "->" + to));
    return states;
  }
}
