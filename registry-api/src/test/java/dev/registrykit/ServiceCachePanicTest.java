package dev.registrykit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The panic threshold, driven event by event on a stub watch and a hand-moved clock (no sleeping):
 * which removals are held, the PANIC state, and how held instances go one by one or come back.
 */
class ServiceCachePanicTest {

  private static final Duration DOWN = Duration.ofSeconds(30);
  private static final List<ServiceInstance> FOUR = List.of(instance("a"), instance("b"), instance("c"), instance("d"));

  private final ServiceCacheTest.StubRegistry registry = new ServiceCacheTest.StubRegistry(true);
  private final MovableClock clock = new MovableClock();
  private final List<String> heard = new ArrayList<>();

  private static ServiceInstance instance(String id) {
    return ServiceInstance.of("orders", id, "http://10.0.0." + (id.charAt(0) - 'a' + 1) + ":5000");
  }

  /** A clock the test moves. */
  private static final class MovableClock implements InstantSource {
    private Instant now = Instant.parse("2026-01-01T00:00:00Z");

    @Override
    public Instant instant() {
      return now;
    }

    void advance(Duration by) {
      now = now.plus(by);
    }
  }

  private ServiceCache cacheOfFour(double threshold) {
    ServiceCache cache = ServiceCache.builder(registry, "orders").withClock(clock).withDownPeriod(DOWN)
        .withPanicThreshold(threshold).build();
    long revision = 2;
    for (ServiceInstance instance : FOUR) {
      registry.listener.onEvent(new RegistryEvent.Added(instance, revision++));
    }
    cache.addListener(change -> heard.add(change.stateChanged() ? change.previousState() + "->" + change.state()
        : "removed " + change.removed().stream().map(ServiceInstance::instanceId).toList()
            + " added " + change.added().stream().map(ServiceInstance::instanceId).toList() + " " + change.state()));
    return cache;
  }

  private void remove(String... ids) {
    for (String id : ids) {
      registry.listener.onEvent(new RegistryEvent.Removed(instance(id), 10));
    }
  }

  @Test
  void instancesReplacedOneAtATimeWithinTheDownPeriodAreChurnNotLoss() {
    try (ServiceCache cache = ServiceCache.builder(registry, "orders").withClock(clock).withDownPeriod(DOWN).build()) {
      long revision = 2;
      for (int i = 0; i < 5; i++) { // a one-instance service restarted five times in a row, as a deploy does
        ServiceInstance next = ServiceInstance.of("orders", "g-" + i, "http://10.0.0.1:" + (5000 + i));
        registry.listener.onEvent(new RegistryEvent.Added(next, revision++));
        assertThat(cache.instances()).containsExactly(next);
        registry.listener.onEvent(new RegistryEvent.Removed(next, revision++));

        assertThat(cache.instances()).as("g-%d, gone alone", i).isEmpty();
        assertThat(cache.state()).isEqualTo(CacheState.CURRENT);
      }
    }
  }

  @Test
  void removingUpToTheShareLeavesAtOnceAndMoreIsHeldAsPanic() {
    try (ServiceCache cache = cacheOfFour(ServiceCache.DEFAULT_PANIC_THRESHOLD)) {
      remove("a", "b"); // 2 of 4: not more than half

      assertThat(cache.instances()).extracting(ServiceInstance::instanceId).containsExactly("c", "d");
      assertThat(cache.state()).isEqualTo(CacheState.CURRENT);

      remove("c", "d"); // 3 and 4 of 4 within the down period: held

      assertThat(cache.instances()).extracting(ServiceInstance::instanceId).containsExactly("c", "d");
      assertThat(cache.state()).isEqualTo(CacheState.PANIC);
      assertThat(cache.require().instanceId()).isIn("c", "d");
      assertThat(heard).containsExactly("removed [a] added [] CURRENT", "removed [b] added [] CURRENT",
          "CURRENT->PANIC");
    }
  }

  @Test
  void heldInstancesGoOneByOneOnceGoneForTheDownPeriodWithTheWatchHealthy() {
    try (ServiceCache cache = cacheOfFour(0.25)) {
      remove("a", "b", "c"); // a leaves (1 of 4); b and c are held
      assertThat(cache.instances()).extracting(ServiceInstance::instanceId).containsExactly("b", "c", "d");
      clock.advance(Duration.ofSeconds(10));
      remove("d"); // held 10 s after the others

      clock.advance(DOWN.minusSeconds(10).minusMillis(1));
      assertThat(cache.instances()).hasSize(3);
      assertThat(cache.state()).isEqualTo(CacheState.PANIC);

      clock.advance(Duration.ofMillis(1));
      assertThat(cache.instances()).extracting(ServiceInstance::instanceId).containsExactly("d");
      assertThat(cache.state()).isEqualTo(CacheState.PANIC);

      clock.advance(Duration.ofSeconds(10));
      assertThat(cache.pick()).isEmpty();
      assertThat(cache.state()).isEqualTo(CacheState.CURRENT);
      assertThat(heard).containsExactly("removed [a] added [] CURRENT", "CURRENT->PANIC",
          "removed [b] added [] PANIC", "removed [c] added [] PANIC", "removed [d] added [] PANIC", "PANIC->CURRENT");
    }
  }

  @Test
  void aHeldInstanceThatRegistersAgainStaysWithoutAChangeAndEndsThePanic() {
    try (ServiceCache cache = cacheOfFour(ServiceCache.DEFAULT_PANIC_THRESHOLD)) {
      remove("a", "b", "c", "d"); // an etcd restart: a and b leave, c and d are held
      assertThat(cache.state()).isEqualTo(CacheState.PANIC);

      registry.listener.onEvent(new RegistryEvent.Added(instance("c"), 11));
      registry.listener.onEvent(new RegistryEvent.Added(instance("d"), 12));

      assertThat(cache.state()).isEqualTo(CacheState.CURRENT);
      assertThat(cache.instances()).extracting(ServiceInstance::instanceId).containsExactly("c", "d");
      clock.advance(DOWN.multipliedBy(2));
      assertThat(cache.instances()).hasSize(2);
      assertThat(heard).containsExactly("removed [a] added [] CURRENT", "removed [b] added [] CURRENT",
          "CURRENT->PANIC", "PANIC->CURRENT");
    }
  }

  @Test
  void aBrokenWatchStopsTheClockOfHeldInstancesUntilItIsCurrentAgain() {
    try (ServiceCache cache = cacheOfFour(ServiceCache.DEFAULT_PANIC_THRESHOLD)) {
      remove("a", "b", "c", "d");
      registry.listener.onStateChange(WatchState.STALE);
      assertThat(cache.state()).isEqualTo(CacheState.STALE);
      clock.advance(DOWN.multipliedBy(3));
      assertThat(cache.instances()).hasSize(2);

      registry.listener.onStateChange(WatchState.CURRENT);
      assertThat(cache.state()).isEqualTo(CacheState.PANIC);
      clock.advance(DOWN.minusMillis(1));
      assertThat(cache.instances()).hasSize(2);
      clock.advance(Duration.ofMillis(1));
      assertThat(cache.instances()).isEmpty();
      assertThat(cache.state()).isEqualTo(CacheState.CURRENT);
    }
  }

  @Test
  void removalsOlderThanTheDownPeriodDoNotCountAndOneAloneIsNeverHeld() {
    try (ServiceCache cache = cacheOfFour(ServiceCache.DEFAULT_PANIC_THRESHOLD)) {
      remove("a", "b");
      clock.advance(DOWN.plusMillis(1));
      remove("c"); // 1 of 2 now; a and b went longer ago than the down period
      clock.advance(DOWN.plusMillis(1));
      remove("d"); // the last one, alone: a scale-down to zero

      assertThat(cache.instances()).isEmpty();
      assertThat(cache.state()).isEqualTo(CacheState.CURRENT);
    }
  }

  @Test
  void aThresholdOfOneTurnsItOff() {
    try (ServiceCache cache = cacheOfFour(1)) {
      remove("a", "b", "c", "d");

      assertThat(cache.instances()).isEmpty();
      assertThat(cache.state()).isEqualTo(CacheState.CURRENT);
    }
  }

  @Test
  void rejectsAThresholdOutsideZeroToOneNamingTheValue() {
    ServiceCache.Builder builder = ServiceCache.builder(registry, "orders");
    for (double bad : new double[] {0, -0.1, 1.5, Double.NaN}) {
      assertThatThrownBy(() -> builder.withPanicThreshold(bad)).isInstanceOf(IllegalArgumentException.class)
          .hasMessage("panicThreshold must be more than 0 and at most 1 (1 turns it off) but was: " + bad);
    }
  }
}
