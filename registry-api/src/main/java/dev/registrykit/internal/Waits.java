package dev.registrykit.internal;

import dev.registrykit.RegistryException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/** Bounded waits on a monitor, shared by the backends so that they block and give up alike. */
public final class Waits {

  private Waits() {
  }

  /**
   * Waits on {@code monitor} while {@code waiting} holds, at most {@code timeout}; whoever changes
   * the condition must {@code notifyAll()} on the monitor.
   *
   * @return whether the condition stopped holding in time
   * @throws IllegalArgumentException if {@code timeout} is negative
   * @throws RegistryException        if interrupted (the interrupt flag is restored), naming {@code what}
   */
  public static boolean awaitWhile(Object monitor, BooleanSupplier waiting, Duration timeout, String what) {
    Validation.requireNotNegative(timeout, "timeout");
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (monitor) {
      while (waiting.getAsBoolean()) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        try {
          TimeUnit.NANOSECONDS.timedWait(monitor, left);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new RegistryException(what + " was interrupted", e);
        }
      }
      return true;
    }
  }
}
