package dev.registrykit.fake;

import dev.registrykit.Registration;
import dev.registrykit.Registry;
import dev.registrykit.RegistryEvent;
import dev.registrykit.RegistryListener;
import dev.registrykit.ServiceInstance;
import dev.registrykit.Subscription;
import java.time.Duration;
import java.util.List;
import java.util.SortedSet;

/**
 * An in-memory {@link Registry} that behaves like etcd, driven by a {@link FakeClock}.
 *
 * <p>SKELETON: the signatures below are fixed; the implementation is being written.
 */
public final class FakeRegistry implements Registry {

  private FakeRegistry() {
  }

  /** A fake on a fresh {@link FakeClock}, with etcd's default minimum TTL of 2 s. */
  public static FakeRegistry create() {
    return builder().build();
  }

  /** A builder to choose the clock, minimum TTL and other settings. */
  public static Builder builder() {
    return new Builder();
  }

  /** The clock that drives this registry. */
  public FakeClock clock() {
    throw new UnsupportedOperationException("not yet implemented");
  }

  /**
   * Makes {@code registration}'s process die without deregistering: keep-alive stops, the key stays
   * until the lease expires. For tests.
   */
  public void crash(Registration registration) {
    throw new UnsupportedOperationException("not yet implemented");
  }

  /** Everything that happened, in revision order. */
  public List<RegistryEvent> history() {
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

  /** Builds a {@link FakeRegistry}. */
  public static final class Builder {
    private Builder() {
    }

    /** The clock to run on (share one clock between several fakes); a fresh one by default. */
    public Builder withClock(FakeClock clock) {
      throw new UnsupportedOperationException("not yet implemented");
    }

    /** The least TTL granted, as etcd's minimum TTL; 2 s by default (etcd's default flags). */
    public Builder withMinimumTtl(Duration minimumTtl) {
      throw new UnsupportedOperationException("not yet implemented");
    }

    /** Validates the settings and builds the fake. */
    public FakeRegistry build() {
      throw new UnsupportedOperationException("not yet implemented");
    }
  }
}
