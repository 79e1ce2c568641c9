package dev.registrykit.fake;

/** A fault in force; {@link #heal()} (or {@link #close()}) ends it. */
public interface InjectedFault extends AutoCloseable {

  /** The fault. */
  Fault fault();

  /**
   * Ends the fault: failing keep-alives renew at once if their leases still live, and watchers hear
   * what an outage kept from them (once no other outage is in force). Idempotent.
   */
  void heal();

  /** Same as {@link #heal()}, for try-with-resources. */
  @Override
  default void close() {
    heal();
  }
}
