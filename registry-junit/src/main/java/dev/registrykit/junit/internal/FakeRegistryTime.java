package dev.registrykit.junit.internal;

import dev.registrykit.Candidacy;
import dev.registrykit.Registration;
import dev.registrykit.ServiceInstance;
import dev.registrykit.fake.FakeRegistry;
import dev.registrykit.junit.RegistryTime;
import java.time.Duration;
import java.time.InstantSource;
import org.junit.jupiter.api.function.Executable;

/** {@link RegistryTime} on the fake: the clock moves, nothing waits. */
final class FakeRegistryTime implements RegistryTime {

  /** As on etcd, where the wait is real. */
  static final Duration STEP = Duration.ofMillis(50);
  static final Duration EVENTUALLY = Duration.ofSeconds(10);

  private final FakeRegistry registry;

  /** Time for {@code registry} and its clock. */
  FakeRegistryTime(FakeRegistry registry) {
    this.registry = registry;
  }

  @Override
  public void crash(Registration registration) {
    registry.crash(registration);
  }

  @Override
  public void crash(Candidacy candidacy) {
    registry.crash(candidacy);
  }

  /**
   * Advances the clock by the TTL, and then, if the key is still there, by one {@linkplain
   * FakeRegistry#expiryCheckInterval() expiry check interval}: as on etcd, the lease is removed at the
   * first check after it ran out.
   */
  @Override
  public void awaitExpiry(Registration registration) {
    registry.clock().advance(registration.ttl());
    if (stillThere(registration.instance())) {
      registry.clock().advance(registry.expiryCheckInterval());
    }
    if (stillThere(registration.instance())) {
      throw new AssertionError(TimeMessages.stillRegistered(registration.instance(), registration.ttl().plus(expiryMargin())));
    }
  }

  private boolean stillThere(ServiceInstance instance) {
    return registry.instances(instance.serviceName()).stream().anyMatch(i -> i.instanceId().equals(instance.instanceId()));
  }

  @Override
  public void elapse(Duration duration) {
    registry.clock().advance(duration);
  }

  /**
   * Checks at once, then lets fake time pass in steps of {@link #STEP}, as much as etcd would be
   * given in real time ({@link #EVENTUALLY}): what happens "soon" on etcd (a recovery after its
   * backoff, a keep-alive tick) happens here too, in microseconds.
   */
  @Override
  public void eventually(Executable assertion) {
    Duration waited = Duration.ZERO;
    AssertionError failure;
    while ((failure = TimeMessages.check(assertion)) != null) {
      if (waited.compareTo(EVENTUALLY) >= 0) {
        throw new AssertionError(TimeMessages.stillFailing(waited, STEP, failure) + " (fake time)", failure);
      }
      registry.clock().advance(STEP);
      waited = waited.plus(STEP);
    }
  }

  @Override
  public Duration expiryMargin() {
    return registry.expiryCheckInterval();
  }

  @Override
  public Duration eventuallyTimeout() {
    return EVENTUALLY;
  }

  @Override
  public InstantSource clock() {
    return registry.clock();
  }
}
