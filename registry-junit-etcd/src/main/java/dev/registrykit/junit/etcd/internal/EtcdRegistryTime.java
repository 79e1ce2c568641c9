package dev.registrykit.junit.etcd.internal;

import dev.registrykit.junit.internal.TimeMessages;
import dev.registrykit.Candidacy;
import dev.registrykit.Registration;
import dev.registrykit.ServiceInstance;
import dev.registrykit.etcd.EtcdRegistry;
import dev.registrykit.etcd.internal.EtcdTestAccess;
import dev.registrykit.junit.RegistryTime;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.function.Executable;

/**
 * {@link RegistryTime} on etcd: Awaitility waits, polling every 50 ms, with scaled bounds; a wait that
 * runs out says which setting scales them ({@link LoadHints}).
 */
final class EtcdRegistryTime implements RegistryTime {

  private static final Duration POLL = Duration.ofMillis(50);
  private static final Duration EXPIRY_MARGIN = Duration.ofMillis(1500);
  private static final Duration EVENTUALLY = Duration.ofSeconds(10);
  /** How late past its duration {@link #elapse(Duration)} may end, at scale 1. */
  private static final Duration ELAPSE_SLACK = Duration.ofSeconds(5);

  private final EtcdRegistry registry;
  private final double scale;

  /** Time for {@code registry}; bounds multiplied by {@code scale}. */
  EtcdRegistryTime(EtcdRegistry registry, double scale) {
    this.registry = registry;
    this.scale = scale;
  }

  @Override
  public void crash(Registration registration) {
    EtcdTestAccess.crash(registry, registration);
  }

  @Override
  public void crash(Candidacy candidacy) {
    EtcdTestAccess.crash(registry, candidacy);
  }

  @Override
  public void awaitExpiry(Registration registration) {
    ServiceInstance instance = registration.instance();
    Duration bound = registration.ttl().plus(expiryMargin());
    try {
      Awaitility.await("expiry of " + instance.serviceName() + "/" + instance.instanceId())
          .pollInterval(POLL)
          .atMost(bound)
          .until(() -> registry.instances(instance.serviceName()).stream()
              .noneMatch(i -> i.instanceId().equals(instance.instanceId())));
    } catch (ConditionTimeoutException e) {
      throw new AssertionError(TimeMessages.stillRegistered(instance, bound) + LoadHints.raiseTheScale(scale), e);
    }
  }

  @Override
  public void elapse(Duration duration) {
    Awaitility.await("time to pass").pollDelay(duration).atMost(duration.plus(scaled(ELAPSE_SLACK))).until(() -> true);
  }

  @Override
  public void eventually(Executable assertion) {
    Duration timeout = eventuallyTimeout();
    AtomicReference<AssertionError> last = new AtomicReference<>();
    try {
      Awaitility.await().pollInterval(POLL).atMost(timeout).untilAsserted(() -> {
        AssertionError failure = TimeMessages.check(assertion);
        if (failure != null) {
          last.set(failure);
          throw failure;
        }
      });
    } catch (ConditionTimeoutException e) {
      AssertionError failure = last.get();
      if (failure == null) { // the first check was still running at the deadline
        throw new AssertionError(TimeMessages.neverChecked(timeout) + LoadHints.raiseTheScale(scale), e);
      }
      throw new AssertionError(TimeMessages.stillFailing(timeout, POLL, failure) + LoadHints.raiseTheScale(scale), failure);
    }
  }

  @Override
  public Duration expiryMargin() {
    return scaled(EXPIRY_MARGIN);
  }

  @Override
  public Duration eventuallyTimeout() {
    return scaled(EVENTUALLY);
  }

  private Duration scaled(Duration duration) {
    return Duration.ofNanos((long) (duration.toNanos() * scale));
  }
}
