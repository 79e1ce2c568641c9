package dev.registrykit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedSet;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * What the contract (run on both backends in registry-it) cannot reach: a watch that never finishes
 * its first listing, and callbacks that throw. The registry here is a stub whose watch the test drives.
 */
class ServiceCacheTest {

  private static final ServiceInstance A = ServiceInstance.of("orders", "a", "http://10.0.0.1:5000");
  private static final ServiceInstance B = ServiceInstance.of("orders", "b", "http://10.0.0.2:5000");

  @Test
  void buildGivesUpWhenTheFirstListingDoesNotArriveAndClosesTheWatch() {
    StubRegistry registry = new StubRegistry(false);

    assertThatThrownBy(() -> ServiceCache.builder(registry, "orders").withStartTimeout(Duration.ofMillis(50)).build()) // time: load-free (the stub never lists: it must run out)
        .isInstanceOf(RegistryUnavailableException.class)
        .hasMessage("the cache of orders did not receive its first listing within PT0.05S (the registry is slow, "
            + "or build() runs on the thread that delivers its watch events)");
    assertThat(registry.watchClosed).isTrue();
  }

  @Test
  void buildRestoresTheInterruptFlag() {
    StubRegistry registry = new StubRegistry(false);
    Thread.currentThread().interrupt();

    assertThatThrownBy(() -> ServiceCache.builder(registry, "orders").build())
        .isInstanceOf(RegistryException.class).hasMessage("building the cache of orders was interrupted");
    assertThat(Thread.interrupted()).isTrue();
    assertThat(registry.watchClosed).isTrue();
  }

  @Test
  void aListenerThatThrowsDoesNotStopTheOthers() {
    StubRegistry registry = new StubRegistry(true);
    try (ServiceCache cache = ServiceCache.builder(registry, "orders").build()) {
      List<CacheChange> heard = new ArrayList<>();
      cache.addListener(change -> {
        throw new IllegalStateException("listener bug");
      });
      cache.addListener(heard::add);

      registry.listener.onEvent(new RegistryEvent.Added(A, 2));

      assertThat(heard).singleElement().satisfies(change -> assertThat(change.added()).containsExactly(A));
      assertThat(cache.instances()).containsExactly(A);
    }
  }

  @Test
  void aFilterThatThrowsLeavesTheInstanceOut() {
    StubRegistry registry = new StubRegistry(true);
    try (ServiceCache cache = ServiceCache.builder(registry, "orders").withFilter(instance -> {
      if (instance.equals(A)) {
        throw new IllegalStateException("filter bug");
      }
      return true;
    }).build()) {
      registry.listener.onEvent(new RegistryEvent.Added(A, 2));
      registry.listener.onEvent(new RegistryEvent.Added(B, 3));

      assertThat(cache.instances()).containsExactly(B);
      assertThatThrownBy(() -> {
        cache.markDown(B);
        cache.require();
      }).hasMessage("no instance of orders available: 2 registered, 1 down, 1 filtered out (cache CURRENT)");
    }
  }

  @Test
  void aStrategyThatReturnsNullIsReported() {
    StubRegistry registry = new StubRegistry(true);
    PickStrategy broken = candidates -> null;
    try (ServiceCache cache = ServiceCache.builder(registry, "orders").withStrategy(broken).build()) {
      registry.listener.onEvent(new RegistryEvent.Added(A, 2));

      assertThatThrownBy(cache::pick).isInstanceOf(IllegalStateException.class)
          .hasMessageStartingWith(broken + " returned null instead of one of 1 instances of orders");
    }
  }

  @Test
  void closingStopsTheWatchOnce() {
    StubRegistry registry = new StubRegistry(true);
    ServiceCache cache = ServiceCache.builder(registry, "orders").build();

    cache.close();
    cache.close();
    registry.listener.onEvent(new RegistryEvent.Added(A, 2));

    assertThat(registry.watchClosed).isTrue();
    assertThat(registry.closeCount).isEqualTo(1);
    assertThat(cache.instances()).isEmpty();
    assertThat(cache.state()).isEqualTo(CacheState.CLOSED);
    assertThat(cache).hasToString("ServiceCache[orders, CLOSED, 0 instances, 0 available, PickStrategy.roundRobin()]");
  }

  /** A registry whose only working call is watch(); the test plays the watch through {@code listener}. */
  static final class StubRegistry implements Registry {
    private final boolean listsAtOnce;
    RegistryListener listener;
    boolean watchClosed;
    int closeCount;

    StubRegistry(boolean listsAtOnce) {
      this.listsAtOnce = listsAtOnce;
    }

    @Override
    public Subscription watch(String serviceName, RegistryListener listener) {
      this.listener = listener;
      if (listsAtOnce) {
        listener.onStateChange(WatchState.CURRENT);
      }
      return () -> {
        watchClosed = true;
        closeCount++;
      };
    }

    @Override
    public Registration register(ServiceInstance instance, Duration ttl) {
      throw new UnsupportedOperationException();
    }

    @Override
    public List<ServiceInstance> instances(String serviceName) {
      throw new UnsupportedOperationException();
    }

    @Override
    public SortedSet<String> services() {
      throw new UnsupportedOperationException();
    }

    @Override
    public List<ServiceInstance> allInstances() {
      throw new UnsupportedOperationException();
    }

    @Override
    public Subscription watchAll(RegistryListener listener) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Election election(String name) {
      throw new UnsupportedOperationException();
    }

    @Override
    public void close() {
    }
  }
}
