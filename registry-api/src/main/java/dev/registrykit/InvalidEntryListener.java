package dev.registrykit;

/**
 * Told about entries that listings and watches skip because their value is not an instance.
 * Registries also log them; this hook is for metrics and for tests.
 */
@FunctionalInterface
public interface InvalidEntryListener {

  /** One skipped entry. Must not throw; an exception is logged and ignored. */
  void invalidEntry(InvalidEntry entry);
}
