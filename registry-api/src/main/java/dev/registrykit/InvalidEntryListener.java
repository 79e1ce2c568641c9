package dev.registrykit;

/**
 * Told about entries that listings and watches skip because their value is not an instance.
 * Registries also log them; this hook is for metrics and for tests.
 *
 * <p>Each bad value is told once per key and modification revision, however often it is listed or
 * watched: the same value written again (a later revision) is told again, and so is a key that was
 * fixed and then broken again. What a registry remembers for this is bounded by the bad keys present:
 * it forgets a key once it is deleted, holds an instance again, or is no longer listed.
 */
@FunctionalInterface
public interface InvalidEntryListener {

  /** One skipped entry. Must not throw; an exception is logged and ignored. */
  void invalidEntry(InvalidEntry entry);
}
