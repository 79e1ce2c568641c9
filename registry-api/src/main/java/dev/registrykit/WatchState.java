package dev.registrykit;

/**
 * Whether a watch is following the registry, as told to {@link RegistryListener#onStateChange}.
 *
 * <p>A watch turns {@link #CURRENT} once it has delivered an {@link RegistryEvent.Added} for every
 * instance present when it started, and follows every change from then on. When it loses the
 * registry (the connection is lost, calls fail) it turns {@link #STALE}: no event arrives and what
 * it delivered may be out of date. Once it reaches the registry again it resynchronises, delivers
 * the differences, and turns {@link #CURRENT} again.
 */
public enum WatchState {
  /** Everything up to now has been delivered; changes arrive as they happen. */
  CURRENT,
  /** The registry cannot be reached: no event arrives until it can, and then the differences do. */
  STALE
}
