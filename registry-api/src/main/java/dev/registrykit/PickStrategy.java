package dev.registrykit;

import java.util.List;

/**
 * Chooses one instance among the candidates of a {@link ServiceCache#pick()}.
 *
 * <p>A strategy may keep state (a counter, the instance it sticks to): each factory call returns
 * a new strategy, and each cache should get its own. It is called from many threads at once, so
 * it must be thread-safe, and it is called on every pick, so it should be cheap.
 *
 * <pre>{@code
 * ServiceCache orders = ServiceCache.builder(registry, "orders")
 *     .withStrategy(PickStrategy.sticky())
 *     .build();
 * PickStrategy firstInZone = candidates -> candidates.stream()
 *     .filter(i -> "eu-west-1a".equals(i.metadata().get("zone"))).findFirst().orElse(candidates.get(0));
 * }</pre>
 */
@FunctionalInterface
public interface PickStrategy {

  /**
   * Chooses one of {@code candidates}.
   *
   * @param candidates the instances that may be picked now: never empty, unmodifiable, sorted by
   *                   instance id, already filtered and without instances marked down
   * @return one of {@code candidates}, never null
   */
  ServiceInstance pick(List<ServiceInstance> candidates);

  /** Each instance in turn, by instance id; the default. */
  static PickStrategy roundRobin() {
    return new PickStrategies.RoundRobin();
  }

  /** A uniformly random instance each time. */
  static PickStrategy random() {
    return PickStrategies.RANDOM;
  }

  /**
   * The same instance as long as it is a candidate (same instance id); when it goes (removed,
   * marked down, filtered out) the next one in round-robin order, which it then keeps.
   */
  static PickStrategy sticky() {
    return new PickStrategies.Sticky(roundRobin());
  }
}
