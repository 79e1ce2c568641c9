package dev.registrykit.junit;

import java.util.Locale;

/**
 * A registry a {@link RegistryTest} runs on: the in-memory fake, or a real etcd. Also the name the
 * test's display name carries, such as {@code [fake]}.
 */
public enum Backend {

  /** The in-memory {@code FakeRegistry} on a {@code FakeClock}, as {@link FakeRegistryTest} gives. */
  FAKE,

  /** An {@code EtcdRegistry} on a real etcd, as {@link EtcdRegistryTest} gives. */
  ETCD;

  /** {@code fake} or {@code etcd}, as in display names, {@link BackendControls#name()} and {@code registrykit.backends}. */
  public String displayName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
