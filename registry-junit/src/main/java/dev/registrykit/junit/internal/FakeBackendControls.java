package dev.registrykit.junit.internal;

import dev.registrykit.Candidacy;
import dev.registrykit.InvalidEntry;
import dev.registrykit.Registration;
import dev.registrykit.fake.FakeRegistry;
import dev.registrykit.fake.Fault;
import dev.registrykit.fake.InjectedFault;
import dev.registrykit.internal.InstanceCodec;
import dev.registrykit.junit.BackendControls;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * {@link BackendControls} on the fake: raw writes through putRaw, a cut connection as {@code
 * Fault.unavailable()}, etcd stopped as {@code Fault.down()}, another program's candidate as {@code
 * campaignFromAnotherClient}, the rest as the fake's own controls.
 */
final class FakeBackendControls implements BackendControls {

  private final FakeRegistry registry;
  private final List<InvalidEntry> invalidEntries;
  private InjectedFault outage;
  private InjectedFault down;

  /** {@code invalidEntries}: the list {@code registry}'s invalid-entry listener adds to. */
  FakeBackendControls(FakeRegistry registry, List<InvalidEntry> invalidEntries) {
    this.registry = registry;
    this.invalidEntries = invalidEntries;
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
  public Optional<String> getRaw(String serviceName, String instanceId) {
    return registry.getRaw(InstanceCodec.key(registry.namespace(), serviceName, instanceId));
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

  @Override
  public synchronized void stop() {
    if (down == null) {
      down = registry.inject(Fault.down());
    }
  }

  @Override
  public synchronized void start() {
    if (down != null) {
      down.heal();
      down = null;
    }
  }

  @Override
  public void wipe() {
    registry.wipe();
  }

  @Override
  public void compact() {
    registry.compact();
  }

  @Override
  public void loseLease(Registration registration) {
    registry.loseLease(registration);
  }

  @Override
  public Candidacy campaignFromAnotherClient(String election, String candidateId, Duration ttl) {
    return registry.campaignFromAnotherClient(election, candidateId, ttl);
  }

  @Override
  public List<InvalidEntry> invalidEntries() {
    return List.copyOf(invalidEntries);
  }
}
