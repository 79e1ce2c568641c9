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
  /** {@link ServiceCache#close()} ran. Final. */
  CLOSED
}
