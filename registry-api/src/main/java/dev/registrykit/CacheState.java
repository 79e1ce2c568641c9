package dev.registrykit;

/** Where a {@link ServiceCache} stands. */
public enum CacheState {
  /** The cache follows the registry: its instances are those registered now. */
  CURRENT,
  /**
   * The registry cannot be reached: the cache keeps the last instances it knew (still picked) until
   * it reaches the registry again, resynchronises and turns {@link #CURRENT}.
   */
  STALE,
  /**
   * The registry reported more of the instances gone at once than the cache's panic threshold lets
   * go ({@link ServiceCache.Builder#withPanicThreshold}): as an etcd restart, a wipe or a pause
   * longer than the TTL does while the instances themselves are up. The cache keeps offering them
   * (still picked) and lets each go only once it has stayed gone for the down period with the watch
   * healthy; one that registers again meanwhile is simply kept. {@link #CURRENT} again once none is
   * held.
   */
  PANIC,
  /** {@link ServiceCache#close()} ran. Final. */
  CLOSED
}
