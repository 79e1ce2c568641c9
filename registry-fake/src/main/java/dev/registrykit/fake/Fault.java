package dev.registrykit.fake;

import dev.registrykit.Registration;
import java.util.Objects;

/**
 * A fault a test injects into a {@link FakeRegistry} with {@link FakeRegistry#inject(Fault)}; it
 * lasts until the returned {@link InjectedFault} is healed.
 *
 * <pre>{@code
 * try (InjectedFault outage = fake.inject(Fault.unavailable())) {
 *   fake.clock().advance(Duration.ofSeconds(31)); // keep-alive fails, the lease runs out
 *   assertThat(registration.state()).isEqualTo(RegistrationState.LOST);
 * } // healed: the next keep-alive tick registers the instance again
 * }</pre>
 */
public sealed interface Fault permits Fault.Unavailable, Fault.KeepAliveFailure {

  /**
   * The registry cannot be reached: every call throws {@link dev.registrykit.RegistryUnavailableException},
   * keep-alives fail (so leases run out on the "server": their keys vanish, the registrations turn
   * {@link dev.registrykit.RegistrationState#LOST LOST}), and watchers and leader observers hear
   * nothing. When the outage heals they hear what they missed, in revision order, as an etcd watch
   * resumes from its last revision; {@link FakeRegistry#history()} has every event at once.
   * {@link Registration#close()} during the outage turns the registration CLOSED and throws, and the
   * key stays until its lease runs out. Several outages may overlap: calls work again once all heal.
   *
   * <p>When it heals, a registration whose lease still lives renews it at once (its keep-alive
   * stream reconnects), so an outage shorter than the TTL loses nothing; one that turned {@link
   * dev.registrykit.RegistrationState#LOST LOST} registers again at its next keep-alive tick (every
   * TTL/3) if {@link Recovery#REREGISTER recovery} is on.
   */
  static Fault unavailable() {
    return new Unavailable();
  }

  /**
   * The keep-alive of one registration fails; everything else works. Its lease runs out TTL after
   * its last renewal (watchers see {@link dev.registrykit.RegistryEvent.Removed Removed} then, the
   * registration turns {@code LOST}); healing works as for {@link #unavailable()}.
   */
  static Fault keepAliveFailure(Registration registration) {
    return new KeepAliveFailure(registration);
  }

  /** See {@link #unavailable()}. */
  record Unavailable() implements Fault {
  }

  /**
   * See {@link #keepAliveFailure(Registration)}.
   *
   * @param registration the registration whose keep-alive fails
   */
  record KeepAliveFailure(Registration registration) implements Fault {
    /** Validates that the registration is given. */
    public KeepAliveFailure {
      Objects.requireNonNull(registration, "registration must not be null");
    }
  }
}
