package dev.registrykit.fake;

/** A fault in force; {@link #heal()} (or {@link #close()}) ends it. */
public interface InjectedFault extends AutoCloseable {

  /** The fault. */
  Fault fault();

  /** Ends the fault. Idempotent. */
  void heal();

  /** Same as {@link #heal()}, for try-with-resources. */
  @Override
  default void close() {
    heal();
  }
}
