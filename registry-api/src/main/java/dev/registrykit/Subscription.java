package dev.registrykit;

/** A handle on something that delivers callbacks (a watch, a listener); close it to stop them. */
@FunctionalInterface
public interface Subscription extends AutoCloseable {

  /** Stops the callbacks. Idempotent; no callback starts after this returns. */
  @Override
  void close();
}
