package dev.registrykit.junit;

import dev.registrykit.Candidacy;
import dev.registrykit.Registration;
import java.time.Duration;
import java.time.InstantSource;
import org.junit.jupiter.api.function.Executable;

/**
 * Time that reads the same on both backends, so one test body says "this instance crashes; after
 * its TTL it is gone": on the fake it advances the {@code FakeClock}; on etcd it waits with
 * Awaitility, polling every 50 ms, bounded by the TTL plus a margin. Timeouts on etcd are
 * multiplied by {@link TimeScale#current()} ({@code registrykit.time.scale}, by default the
 * machine's load per core) for slow machines.
 *
 * <pre>{@code
 * time.crash(registration);          // keep-alive stops, the key stays
 * time.awaitExpiry(registration);    // fake: clock + TTL; etcd: until the key is gone
 * time.elapse(Duration.ofSeconds(3)); // fake: clock + 3 s; etcd: 3 s pass
 * time.eventually(() -> assertThat(registry).hasInstances("orders", 2));
 * }</pre>
 */
public interface RegistryTime {

  /**
   * Makes the registration's process die without deregistering: keep-alive stops, the key stays
   * until the lease runs out. The registration must come from the injected registry.
   */
  void crash(Registration registration);

  /**
   * Makes a candidate's process die without resigning: keep-alive stops, it keeps its place (or
   * leadership) until its lease runs out. The candidacy must come from the injected registry.
   */
  void crash(Candidacy candidacy);

  /**
   * Lets the registration's lease run out and returns once its instance is gone from the registry.
   * On the fake, advances the clock by the granted TTL and, if the key is still there, to the next
   * expiry check; on etcd, waits until the key is gone, at most TTL + {@link #expiryMargin()}.
   *
   * @throws AssertionError if the instance is still registered then (its keep-alive still runs)
   */
  void awaitExpiry(Registration registration);

  /** Lets {@code duration} pass: the fake's clock advances, or the test waits (without a bare sleep). */
  void elapse(Duration duration);

  /**
   * Runs {@code assertion} until it passes, every 50 ms for at most {@link #eventuallyTimeout()}:
   * on etcd, as real time passes; on the fake, at once and then advancing its clock by 50 ms between
   * checks (no sleep), so what comes "soon" on etcd (a re-registration after an outage, a keep-alive
   * tick) comes on the fake too, and a test reads the same on both. An {@link AssertionError} is
   * retried, and so is a {@code RegistryUnavailableException} (right after {@link
   * BackendControls#heal()} the first calls may still fail while the connection comes back); any
   * other exception, checked ones included, ends the wait and is thrown as is.
   *
   * <pre>{@code
   * time.eventually(() -> assertThat(registry).hasInstances("orders", 2));
   * time.eventually(() -> assertThat(client.getKVClient().get(key).get().getCount()).isZero());
   * }</pre>
   *
   * @throws AssertionError if it still fails at the end, with the last failure's message and as cause
   */
  void eventually(Executable assertion);

  /**
   * How long after its TTL a lease may take to be removed: etcd checks for expired leases about every
   * 500 ms (1.5 s here, scaled, for a loaded machine); the fake at its {@code expiryCheckInterval()}
   * (500 ms by default).
   */
  Duration expiryMargin();

  /**
   * The bound of {@link #eventually(Executable)}: 10 s, on etcd scaled by {@code
   * registrykit.time.scale}; on the fake in fake time.
   */
  Duration eventuallyTimeout();

  /**
   * The time the registry lives by, for time-based settings that must follow {@link
   * #elapse(Duration)} on both backends (such as {@code ServiceCache.Builder.withClock}): the
   * fake's {@code FakeClock}; on etcd, the system clock.
   */
  default InstantSource clock() {
    return InstantSource.system();
  }
}
