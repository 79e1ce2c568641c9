package dev.registrykit.etcd;

import dev.registrykit.InvalidEntryListener;
import dev.registrykit.Registration;
import dev.registrykit.Registry;
import dev.registrykit.RegistryListener;
import dev.registrykit.ServiceInstance;
import dev.registrykit.Subscription;
import io.etcd.jetcd.Client;
import java.time.Duration;
import java.util.List;
import java.util.SortedSet;

/**
 * The {@link Registry} on a real etcd, through jetcd-core.
 *
 * <p>SKELETON: the signatures below are fixed; the implementation is being written.
 */
public final class EtcdRegistry implements Registry {

  private EtcdRegistry() {
  }

  /** A builder; at least the endpoints or a client must be given. */
  public static Builder builder() {
    return new Builder();
  }

  /** The key root of this registry, {@code /services} by default. */
  public String namespace() {
    throw new UnsupportedOperationException("not yet implemented");
  }

  /**
   * Stops {@code registration}'s keep-alive without deleting its key or revoking its lease, as a
   * killed process would; the instance disappears when the lease expires. For tests.
   */
  public void crash(Registration registration) {
    throw new UnsupportedOperationException("not yet implemented");
  }

  @Override
  public Registration register(ServiceInstance instance, Duration ttl) {
    throw new UnsupportedOperationException("not yet implemented");
  }

  @Override
  public List<ServiceInstance> instances(String serviceName) {
    throw new UnsupportedOperationException("not yet implemented");
  }

  @Override
  public SortedSet<String> services() {
    throw new UnsupportedOperationException("not yet implemented");
  }

  @Override
  public List<ServiceInstance> allInstances() {
    throw new UnsupportedOperationException("not yet implemented");
  }

  @Override
  public Subscription watch(String serviceName, RegistryListener listener) {
    throw new UnsupportedOperationException("not yet implemented");
  }

  @Override
  public Subscription watchAll(RegistryListener listener) {
    throw new UnsupportedOperationException("not yet implemented");
  }

  @Override
  public void close() {
    throw new UnsupportedOperationException("not yet implemented");
  }

  /** Builds an {@link EtcdRegistry}. */
  public static final class Builder {
    private Builder() {
    }

    /** The etcd endpoints, such as {@code http://localhost:2379}. */
    public Builder withEndpoints(String... endpoints) {
      throw new UnsupportedOperationException("not yet implemented");
    }

    /** Uses a client the caller owns: the registry never closes it. */
    public Builder withClient(Client client) {
      throw new UnsupportedOperationException("not yet implemented");
    }

    /** The key root, {@code /services} by default. */
    public Builder withNamespace(String namespace) {
      throw new UnsupportedOperationException("not yet implemented");
    }

    /** The TTL of {@link Registry#register(ServiceInstance)}, 30 s by default. */
    public Builder withDefaultTtl(Duration ttl) {
      throw new UnsupportedOperationException("not yet implemented");
    }

    /** The timeout of every blocking call, 5 s by default. */
    public Builder withCallTimeout(Duration timeout) {
      throw new UnsupportedOperationException("not yet implemented");
    }

    /** Told about entries skipped because their value is not an instance. */
    public Builder withInvalidEntryListener(InvalidEntryListener listener) {
      throw new UnsupportedOperationException("not yet implemented");
    }

    /** Validates the settings, connects, and builds the registry. */
    public EtcdRegistry build() {
      throw new UnsupportedOperationException("not yet implemented");
    }
  }
}
