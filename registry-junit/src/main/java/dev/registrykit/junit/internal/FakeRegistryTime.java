package dev.registrykit.junit.internal;

import dev.registrykit.Candidacy;
import dev.registrykit.Registration;
import dev.registrykit.ServiceInstance;
import dev.registrykit.fake.FakeRegistry;
import dev.registrykit.junit.RegistryTime;
import java.time.Duration;
import org.junit.jupiter.api.function.Executable;

/** {@link RegistryTime} on the fake: the clock moves, nothing waits. */
final class FakeRegistryTime implements RegistryTime {

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

  @Override
  public void awaitExpiry(Registration registration) {
    registry.clock().advance(registration.ttl());
    ServiceInstance instance = registration.instance();
    if (registry.instances(instance.serviceName()).stream().anyMatch(i -> i.instanceId().equals(instance.instanceId()))) {
      throw new AssertionError(TimeMessages.stillRegistered(instance, registration.ttl()));
    }
  }

  @Override
  public void elapse(Duration duration) {
    registry.clock().advance(duration);
  }

  @Override
  public void eventually(Executable assertion) {
    try {
      assertion.execute();
    } catch (Throwable failure) {
      throw TimeMessages.<RuntimeException>rethrow(failure);
    }
  }

  @Override
  public Duration expiryMargin() {
    return Duration.ZERO;
  }

  @Override
  public Duration eventuallyTimeout() {
    return Duration.ZERO;
  }
}
