package dev.registrykit.junit;

import dev.registrykit.Candidacy;
import dev.registrykit.Election;
import dev.registrykit.Registration;
import dev.registrykit.Registry;
import dev.registrykit.ServiceCache;

/**
 * The one entry point of registrykit's AssertJ assertions.
 *
 * <pre>{@code
 * import static dev.registrykit.junit.RegistryAssertions.assertThat;
 *
 * assertThat(registry).hasInstance(orders).hasInstances("orders", 1);
 * assertThat(registration).isActive();
 * assertThat(events).sawAdded(orders).sawRemoved(orders);
 * assertThat(election).hasLeader("i-1");
 * assertThat(candidacy).isLost();
 * assertThat(cache).isCurrent().hasInstances(orders);
 * }</pre>
 */
public final class RegistryAssertions {

  private RegistryAssertions() {
  }

  /** Assertions on what a registry lists now. */
  public static RegistryAssert assertThat(Registry actual) {
    return new RegistryAssert(actual);
  }

  /** Assertions on a registration's state. */
  public static RegistrationAssert assertThat(Registration actual) {
    return new RegistrationAssert(actual);
  }

  /** Assertions on who leads an election. */
  public static ElectionAssert assertThat(Election actual) {
    return new ElectionAssert(actual);
  }

  /** Assertions on a candidacy's state. */
  public static CandidacyAssert assertThat(Candidacy actual) {
    return new CandidacyAssert(actual);
  }

  /** Assertions on what a service cache holds and its state. */
  public static ServiceCacheAssert assertThat(ServiceCache actual) {
    return new ServiceCacheAssert(actual);
  }

    /** Assertions on the events a watcher recorded. */
  public static RecordingListenerAssert assertThat(RecordingListener actual) {
    return new RecordingListenerAssert(actual);
  }
}
