package dev.registrykit;

/**
 * Receives the {@link RegistryEvent}s of a watch.
 *
 * <p>Events reach one listener one at a time, in {@link RegistryEvent#revision()} order: never
 * decreasing, and increasing from one change to the next unless one etcd transaction made several
 * (those share its revision). A listener that throws is logged and otherwise ignored.
 */
@FunctionalInterface
public interface RegistryListener {

  /** One change (or, when the watch starts, one instance already present). */
  void onEvent(RegistryEvent event);
}
