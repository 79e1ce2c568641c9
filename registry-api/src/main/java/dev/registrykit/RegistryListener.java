package dev.registrykit;

/**
 * Receives the {@link RegistryEvent}s of a watch, and whether the watch is following the registry.
 *
 * <p>Events reach one listener one at a time, in {@link RegistryEvent#revision()} order: never
 * decreasing, and increasing from one change to the next unless one etcd transaction made several
 * (those share its revision). A listener that throws is logged and otherwise ignored.
 */
@FunctionalInterface
public interface RegistryListener {

  /** One change (or, when the watch starts, one instance already present). */
  void onEvent(RegistryEvent event);

  /**
   * The watch's state changed; called on the thread, and in the order, of {@link #onEvent}. Every
   * watch calls it with {@link WatchState#CURRENT} once, right after the {@link RegistryEvent.Added}
   * events of the instances present when it started; then with {@link WatchState#STALE} when it
   * loses the registry, and with {@link WatchState#CURRENT} after it has delivered the differences
   * once it reaches the registry again. Nothing by default.
   */
  default void onStateChange(WatchState state) {
  }
}
