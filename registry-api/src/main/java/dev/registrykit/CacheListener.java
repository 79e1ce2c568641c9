package dev.registrykit;

/**
 * Receives the {@link CacheChange}s of a {@link ServiceCache}: one at a time, in order, on the
 * thread that delivers the registry's watch events. A listener that throws is logged and otherwise
 * ignored.
 */
@FunctionalInterface
public interface CacheListener {

  /** The cache changed: instances came, went or changed, or its state changed. */
  void onChange(CacheChange change);
}
