package dev.registrykit.junit.internal;

import dev.registrykit.RegistryUnavailableException;
import dev.registrykit.ServiceInstance;
import java.time.Duration;
import org.junit.jupiter.api.function.Executable;

/** Failure texts both time helpers share, so a test fails with the same words on both backends. */
public final class TimeMessages {

  private TimeMessages() {
  }

  public static String stillFailing(Duration waited, Duration poll, Throwable last) {
    return "Still failing after " + waited + " (checked every " + poll.toMillis() + " ms): " + last.getMessage();
  }

  public static String neverChecked(Duration waited) {
    return "Not even one check finished within " + waited + ": the assertion was still running (is etcd answering?)";
  }

  /**
   * Runs {@code assertion} once: {@code null} if it passed, the failure to retry on if it failed the
   * way that time may mend (an {@link AssertionError}, or a {@link RegistryUnavailableException}
   * while a connection comes back), and throws anything else as it is.
   */
  public static AssertionError check(Executable assertion) {
    try {
      assertion.execute();
      return null;
    } catch (AssertionError failure) {
      return failure;
    } catch (RegistryUnavailableException unavailable) {
      return new AssertionError(unavailable.getMessage(), unavailable);
    } catch (Throwable failure) {
      throw TimeMessages.<RuntimeException>rethrow(failure);
    }
  }

  /** Throws {@code failure} as it is, checked or not (the caller's assertion threw it). */
  @SuppressWarnings("unchecked")
  public static <T extends Throwable> RuntimeException rethrow(Throwable failure) throws T {
    throw (T) failure;
  }

  public static String stillRegistered(ServiceInstance instance, Duration waited) {
    return "Expecting " + instance.serviceName() + "/" + instance.instanceId() + " to expire within " + waited
        + " but it was still registered (was it crashed? a live registration keeps its lease alive)";
  }
}
