package dev.registrykit.junit.contract;

import static org.assertj.core.api.Assertions.assertThat;

import dev.registrykit.Candidacy;
import dev.registrykit.Registration;
import dev.registrykit.Registry;
import dev.registrykit.ServiceInstance;
import dev.registrykit.junit.RecordingListener;
import dev.registrykit.junit.BackendControls;
import dev.registrykit.junit.RegistryTime;
import dev.registrykit.junit.TimeScale;
import dev.registrykit.junit.internal.StoreLeases;
import dev.registrykit.junit.internal.StoreLeases.LeaseTtl;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

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
  /** How often {@link #holdsUntilJustBeforeTheTtl} asks etcd about a lease and checks its claim again. */
  static final Duration LEASE_LOOK = Duration.ofMillis(100);
  /** {@link BackendControls#name()} of the fake, whose time stands still between calls. */
  static final String FAKE = "fake";
  /**
   * How long the threads of {@link ListingContract#severalThreadsRegisterAtOnce} may take for 100
   * registrations on a quiet machine; they are given this times {@link TimeScale#current()}.
   */
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
   * Checks {@code claim} (that a crashed instance is still listed, that the next candidate still
   * waits) until just before {@code registration}'s TTL, without a wall-clock window that a loaded
   * machine could shrink to nothing. On the fake, whose clock has not moved since the lease was
   * granted: at the TTL minus one tick (1 ns) of its clock. On etcd: at once and then every {@link
   * #LEASE_LOOK} for as long as etcd itself reports at least a second of the lease left ({@code
   * LeaseTimeToLive}), having first checked that etcd granted the TTL asked for; a look counts only
   * when etcd reports the lease still before its TTL after the claim was checked. If no look counted
   * (the steps before the first look took the whole lease), it fails saying nothing was checked.
   */
  static void holdsUntilJustBeforeTheTtl(BackendControls backend, RegistryTime time, Registration registration,
      String claimName, Runnable claim) {
    ServiceInstance instance = registration.instance();
    holdsUntilJustBeforeTheTtl(backend, time, registration.ttl(),
        "the lease of " + instance.serviceName() + "/" + instance.instanceId(),
        leases -> leases.leaseOfInstance(instance.serviceName(), instance.instanceId()), claimName, claim);
  }

  /** As {@link #holdsUntilJustBeforeTheTtl(BackendControls, RegistryTime, Registration, String, Runnable)}, for a candidacy's lease. */
  static void holdsUntilJustBeforeTheTtl(BackendControls backend, RegistryTime time, Candidacy candidacy,
      String claimName, Runnable claim) {
    holdsUntilJustBeforeTheTtl(backend, time, candidacy.ttl(),
        "the lease of candidate " + candidacy.candidateId() + " of election " + candidacy.election(),
        leases -> leases.leaseOfCandidate(candidacy.election(), candidacy.candidateId()), claimName, claim);
  }

  private static void holdsUntilJustBeforeTheTtl(BackendControls backend, RegistryTime time, Duration ttl,
      String lease, Function<StoreLeases, Optional<LeaseTtl>> look, String claimName, Runnable claim) {
    if (FAKE.equals(backend.name())) {
      time.elapse(ttl.minusNanos(1));
      claim.run();
      return;
    }
    StoreLeases leases = StoreLeases.of(backend).orElseThrow(() -> new IllegalStateException(
        "the backend " + backend.name() + " reports no leases, so " + lease + " cannot be looked at"));
    holdsWhileEtcdSaysBeforeTheTtl(ttl, lease, () -> look.apply(leases), () -> time.elapse(LEASE_LOOK),
        ttl.plus(time.expiryMargin()), claimName, claim);
  }

  /**
   * The etcd half of {@link #holdsUntilJustBeforeTheTtl}: {@code look} is etcd's report on the lease,
   * {@code pause} lets {@link #LEASE_LOOK} pass, {@code bound} ends a lease that never runs out (a
   * keep-alive still running). Returns how many looks counted, at least one.
   *
   * @throws AssertionError if etcd holds no lease or one of another TTL, if the claim fails while the
   *     lease is before its TTL, if the lease outlives {@code bound}, or if no look counted
   */
  static int holdsWhileEtcdSaysBeforeTheTtl(Duration ttl, String lease, Supplier<Optional<LeaseTtl>> look,
      Runnable pause, Duration bound, String claimName, Runnable claim) {
    LeaseTtl first = look.get().orElseThrow(() -> new AssertionError(
        "Expecting etcd to hold " + lease + " until its TTL (" + ttl + ") but it held none (was it revoked?)"));
    assertThat(first.granted()).as("the TTL etcd granted %s", lease).isEqualTo(ttl);
    long start = System.nanoTime();
    int counted = 0;
    Optional<LeaseTtl> now;
    while (true) {
      claim.run();
      now = look.get();
      if (now.isEmpty() || !now.get().beforeItsTtl()) {
        break;
      }
      counted++;
      if (System.nanoTime() - start > bound.toNanos()) {
        throw new AssertionError("Expecting " + lease + " to run out within " + bound + " but etcd still reports "
            + now.get().remaining() + " left (is its keep-alive still running?)");
      }
      pause.run();
    }
    if (counted == 0) {
      throw new AssertionError("Nothing was checked: \"" + claimName + "\" must be seen while etcd reports at least"
          + " a second left of " + lease + " (granted " + first.granted() + "), but at the first look after the "
          + "claim it reported " + now.map(l -> l.remaining() + " left").orElse("the lease gone") + ": the steps "
          + "before the look took the whole lease on this machine. A longer TTL leaves more to look at; "
          + "registrykit.time.scale (now " + TimeScale.current() + ") lengthens bounds, not leases");
    }
    return counted;
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
