package dev.registrykit.junit.internal;

import dev.registrykit.fake.FakeRegistry;
import dev.registrykit.fake.Fault;
import dev.registrykit.fake.InjectedFault;
import dev.registrykit.internal.InstanceCodec;
import dev.registrykit.junit.RegistryBackend;

/** {@link RegistryBackend} on the fake: raw writes through putRaw, outages as Fault.unavailable(). */
final class FakeBackend implements RegistryBackend {

  private final FakeRegistry registry;
  private InjectedFault outage;

  FakeBackend(FakeRegistry registry) {
    this.registry = registry;
  }

  @Override
  public String name() {
    return "fake";
  }

  @Override
  public String namespace() {
    return registry.namespace();
  }

  @Override
  public void putRaw(String serviceName, String instanceId, String value) {
    registry.putRaw(InstanceCodec.key(registry.namespace(), serviceName, instanceId), value);
  }

  @Override
  public void deleteRaw(String serviceName, String instanceId) {
    registry.deleteRaw(InstanceCodec.key(registry.namespace(), serviceName, instanceId));
  }

  @Override
  public synchronized void makeUnavailable() {
    if (outage == null) {
      outage = registry.inject(Fault.unavailable());
    }
  }

  @Override
  public synchronized void heal() {
    if (outage != null) {
      outage.heal();
      outage = null;
    }
  }
}
