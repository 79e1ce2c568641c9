package dev.registrykit.junit;

import dev.registrykit.Registration;

/**
 * Time that reads the same on both backends: on the fake it advances the clock, on etcd it waits
 * with Awaitility (bounded by TTL + margin).
 *
 * <p>SKELETON: being written.
 */
public interface RegistryTime {

  /** Makes the registration's process die without deregistering: keep-alive stops, the key stays. */
  void crash(Registration registration);
}
