package dev.registrykit.junit.etcd.internal;

import dev.registrykit.junit.internal.EtcdToolkit;
import dev.registrykit.junit.internal.InjectingExtension;

/**
 * registry-junit-etcd's {@link EtcdToolkit}: what {@code @EtcdRegistryTest} and the {@code [etcd]}
 * runs of {@code @RegistryTest} find through the module system (or {@code META-INF/services} on a
 * class path).
 */
public final class EtcdToolkitProvider implements EtcdToolkit {

  /** Creates the provider (the service loader does). */
  public EtcdToolkitProvider() {
  }

  @Override
  public InjectingExtension extension(String annotation) {
    return new EtcdRegistryExtension(annotation);
  }
}
