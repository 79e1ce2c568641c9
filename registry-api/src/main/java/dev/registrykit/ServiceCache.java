package dev.registrykit;

import dev.registrykit.internal.Validation;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * A caller's view of one service: the instances registered now, kept current by a {@link
 * Registry#watch watch}, and a choice of one of them for each call.
 *
 * <pre>{@code
 * try (ServiceCache orders = ServiceCache.builder(registry, "OrderShippingService")
 *     .withStrategy(PickStrategy.roundRobin())                          // the default
 *     .withFilter(instance -> "eu".equals(instance.metadata().get("region")))
 *     .build()) {
 *   ServiceInstance target = orders.require();                           // or pick(): Optional
 *   try {
 *     call(target.address());
 *   } catch (IOException e) {
 *     orders.markDown(target);                                           // skipped for 30 s
 *   }
 * }
 * }</pre>
 *
 * <p>{@link ServiceCache.Builder#build() build()} starts the watch and returns once the cache holds
 * the instances present then; from then on it follows every registration, deregistration, lease
 * expiry and update, and resynchronises after breaks and compactions as the watch does. While the
 * registry cannot be reached it keeps the last instances it knew, still picks among them, and says
 * so: {@link #state()} is {@link CacheState#STALE} until it is {@link CacheState#CURRENT} again.
 *
 * <p>Bulk loss is not trusted at once (a <em>panic threshold</em>, as Envoy's, or Eureka's
 * self-preservation): when the registry reports more than {@link #DEFAULT_PANIC_THRESHOLD half} of
 * the instances gone within a down period, and more than one, the cache keeps offering the ones
 * beyond the threshold, says so ({@link CacheState#PANIC}), and lets each go once it has stayed gone
 * for the down period with the watch {@code CURRENT}; one that registers again meanwhile stays. An
 * instance going alone (a scale-down, a rolling deploy of two) leaves at once, as always.
 *
 * <p>Reads ({@link #instances()}, {@link #pick()}, {@link #require()}) never call the registry:
 * they read an immutable snapshot, so they are cheap and never block. Thread-safe. {@link #close()}
 * stops the watch; it is idempotent. After it, {@link #pick()} and {@link #require()} throw {@link
 * RegistryClosedException}; {@link #instances()} and {@link #state()} still answer. Close a cache
 * before its registry: closing the registry ends the watch without telling the cache, which then
 * keeps what it last knew.
 */
public interface ServiceCache extends AutoCloseable {

  /** How long {@link #markDown(ServiceInstance)} skips an instance unless configured: 30 s. */
  Duration DEFAULT_DOWN_PERIOD = Duration.ofSeconds(30);
  /** How long {@link Builder#build()} waits for the first listing unless configured: 10 s. */
  Duration DEFAULT_START_TIMEOUT = Duration.ofSeconds(10);
  /**
   * The share of a service's instances whose removal the cache believes at once unless configured:
   * 0.5. Envoy's default panic threshold is 50% too. At one half, one of two instances leaving (a
   * rolling deploy, a crash) leaves at once, while the whole service vanishing (an etcd restart under
   * short leases, a wipe, a pause longer than the TTL, which the issue that added it measured) keeps
   * at least half of the instances offered until each has stayed gone for the down period.
   */
  double DEFAULT_PANIC_THRESHOLD = 0.5;

  /**
   * A builder of a cache of {@code serviceName} on {@code registry}.
   *
   * @throws NullPointerException     if an argument is null
   * @throws IllegalArgumentException if {@code serviceName} is not a valid service name
   */
  static Builder builder(Registry registry, String serviceName) {
    return new Builder(registry, serviceName);
  }

  /** The service this cache follows. */
  String serviceName();

  /**
   * The instances now (those that pass the filter, marked down or not), sorted by instance id as
   * {@link Registry#instances(String)} lists them; unmodifiable.
   */
  List<ServiceInstance> instances();

  /**
   * One instance chosen by the strategy among those that pass the filter and are not marked down;
   * empty when there is none. Never null. Cheap: no call to the registry.
   *
   * @throws RegistryClosedException if this cache was closed
   */
  Optional<ServiceInstance> pick();

  /**
   * As {@link #pick()}, but throws when there is no instance.
   *
   * @throws NoInstanceAvailableException if no instance can be picked; its message names the
   *                                      service and how many instances are registered, marked down
   *                                      and filtered out
   * @throws RegistryClosedException      if this cache was closed
   */
  ServiceInstance require();

  /**
   * Skips {@code instance} (by instance id) in {@link #pick()} for the down period, for example
   * after calls to it failed; marking it again starts the period again. An instance not in the
   * cache now is ignored; one that goes away and comes back is no longer down.
   *
   * @throws NullPointerException     if {@code instance} is null
   * @throws IllegalArgumentException if {@code instance} belongs to another service
   */
  void markDown(ServiceInstance instance);

  /**
   * Ends {@link #markDown(ServiceInstance)} of {@code instance} before its down period is over.
   *
   * @throws NullPointerException     if {@code instance} is null
   * @throws IllegalArgumentException if {@code instance} belongs to another service
   */
  void markUp(ServiceInstance instance);

  /** Whether the cache follows the registry now, keeps the last instances it knew, or is closed. */
  CacheState state();

  /**
   * Calls {@code listener} with every later {@link CacheChange}, until the returned subscription or
   * this cache is closed.
   *
   * @throws NullPointerException if {@code listener} is null
   */
  Subscription addListener(CacheListener listener);

  /** Stops the watch and every listener call; the state turns {@link CacheState#CLOSED}. Idempotent. */
  @Override
  void close();

  /** Builds a {@link ServiceCache}; every setting has a default, {@link #build()} starts it. */
  final class Builder {
    private final Registry registry;
    private final String serviceName;
    private PickStrategy strategy;
    private Predicate<ServiceInstance> filter = instance -> true;
    private Duration downPeriod = DEFAULT_DOWN_PERIOD;
    private Duration startTimeout = DEFAULT_START_TIMEOUT;
    private InstantSource clock = InstantSource.system();
    private double panicThreshold = DEFAULT_PANIC_THRESHOLD;

    private Builder(Registry registry, String serviceName) {
      this.registry = Objects.requireNonNull(registry, "registry must not be null");
      this.serviceName = Validation.requireServiceName(serviceName);
    }

    /** How {@link #pick()} chooses; {@link PickStrategy#roundRobin()} by default. */
    public Builder withStrategy(PickStrategy strategy) {
      this.strategy = Objects.requireNonNull(strategy, "strategy must not be null");
      return this;
    }

    /**
     * Which instances the cache holds (for example by metadata); the others are left out of {@link
     * #instances()}, {@link #pick()} and the changes, and counted as filtered out. All by default.
     */
    public Builder withFilter(Predicate<ServiceInstance> filter) {
      this.filter = Objects.requireNonNull(filter, "filter must not be null");
      return this;
    }

    /**
     * How long {@link ServiceCache#markDown(ServiceInstance)} skips an instance; {@link
     * ServiceCache#DEFAULT_DOWN_PERIOD} by default.
     *
     * @throws IllegalArgumentException if {@code downPeriod} is not positive
     */
    public Builder withDownPeriod(Duration downPeriod) {
      this.downPeriod = Validation.requirePositive(downPeriod, "downPeriod");
      return this;
    }

    /**
     * The share of the instances (counting those removed within the last down period) that the
     * registry may report gone before the cache stops believing it ({@link CacheState#PANIC}): more
     * than this share, and more than one instance, and the cache keeps the rest offered until each has
     * stayed gone for the down period with the watch healthy. {@link
     * ServiceCache#DEFAULT_PANIC_THRESHOLD} by default; {@code 1} turns it off (every removal at once).
     *
     * @throws IllegalArgumentException if {@code share} is not more than 0 and at most 1
     */
    public Builder withPanicThreshold(double share) {
      if (!(share > 0 && share <= 1)) {
        throw new IllegalArgumentException("panicThreshold must be more than 0 and at most 1 (1 turns it off) but was: "
            + share);
      }
      this.panicThreshold = share;
      return this;
    }

    /**
     * How long {@link #build()} waits for the watch to deliver the instances present when it
     * started; {@link ServiceCache#DEFAULT_START_TIMEOUT} by default.
     *
     * @throws IllegalArgumentException if {@code startTimeout} is not positive
     */
    public Builder withStartTimeout(Duration startTimeout) {
      this.startTimeout = Validation.requirePositive(startTimeout, "startTimeout");
      return this;
    }

    /**
     * The time source of the down period (and of the panic threshold's); the system clock by default.
     * A {@code FakeClock} of {@code registry-fake} is one, so tests end a down period by advancing it.
     */
    public Builder withClock(InstantSource clock) {
      this.clock = Objects.requireNonNull(clock, "clock must not be null");
      return this;
    }

    /**
     * Starts the watch and returns the cache once it holds the instances present now.
     *
     * @throws RegistryUnavailableException if the registry cannot be reached, or the first listing
     *                                      did not arrive within the start timeout
     * @throws RegistryClosedException      if the registry was closed
     * @throws RegistryException            if interrupted while waiting (the interrupt flag is restored)
     */
    public ServiceCache build() {
      return WatchingServiceCache.start(registry, serviceName, strategy == null ? PickStrategy.roundRobin() : strategy,
          filter, downPeriod, startTimeout, clock, panicThreshold);
    }
  }
}
