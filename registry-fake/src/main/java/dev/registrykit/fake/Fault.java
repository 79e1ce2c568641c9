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
public sealed interface Fault permits Fault.Unavailable, Fault.Down, Fault.KeepAliveFailure {

  /**
   * The registry cannot be reached (the connection is lost; etcd itself runs on): every call throws
   * {@link dev.registrykit.RegistryUnavailableException}, keep-alives fail (so a registration turns
   * {@link dev.registrykit.RegistrationState#LOST LOST} once its TTL has passed since its last renewal,
   * and its lease runs out on the "server" at the next {@linkplain
   * FakeRegistry.Builder#withExpiryCheckInterval expiry check}: its key vanishes), and watchers and leader observers hear
   * nothing. When the outage heals they hear what they missed, in revision order, as an etcd watch
   * resumes from its last revision (unless the history was {@linkplain FakeRegistry#compact()
   * compacted} past it or the data {@linkplain FakeRegistry#wipe() wiped}: then it lists again and
   * hears the differences); {@link FakeRegistry#history()} has every event at once.
   * {@link Registration#close()} during the outage turns the registration CLOSED and throws, and the
   * key stays until its lease runs out. Several outages may overlap: calls work again once all heal.
   *
   * <p>When it heals, a registration whose lease still lives renews it at once (its keep-alive
   * stream reconnects), so an outage shorter than the TTL loses nothing; one that turned {@link
   * dev.registrykit.RegistrationState#LOST LOST} registers again at its next keep-alive tick (every
   * TTL/3) if {@link dev.registrykit.Recovery recovery} is on.
   */
  static Fault unavailable() {
    return new Unavailable();
  }

  /**
   * etcd is stopped, its data kept (as {@code docker stop}): calls fail with {@link
   * dev.registrykit.RegistryUnavailableException} and keep-alives fail as for {@link #unavailable()},
   * and watchers hear nothing, but <em>no lease expires</em> while it lasts, as no server runs to
   * expire them. A registration still turns {@link dev.registrykit.RegistrationState#LOST LOST} once
   * its TTL has passed since its last renewal (the client gives up, as {@code EtcdRegistration} does),
   * while its key stays.
   *
   * <p>When the last {@code down()} heals, etcd starts again and a leader is elected: as {@link
   * FakeRegistry#changeLeader()}, every lease is renewed to its TTL plus the {@linkplain
   * FakeRegistry.Builder#withElectionTimeout election timeout} from then. A registration whose lease
   * lives renews it at once; one that turned {@code LOST} registers again with a new lease at its next
   * keep-alive tick (recovery on): the recovery write replaces the key on the old lease (watchers see
   * {@link dev.registrykit.RegistryEvent.Updated Updated}) and the old lease is revoked, leaving one key
   * with the latest data on the new lease.
   */
  static Fault down() {
    return new Down();
  }

  /**
   * The keep-alive of one registration fails; everything else works. The registration turns {@code
   * LOST} TTL after its last renewal; its lease runs out then too, and its key goes at the next
   * {@linkplain FakeRegistry.Builder#withExpiryCheckInterval expiry check} (watchers see {@link
   * dev.registrykit.RegistryEvent.Removed Removed} then); healing works as for {@link #unavailable()}.
   */
  static Fault keepAliveFailure(Registration registration) {
    return new KeepAliveFailure(registration);
  }

  /** See {@link #unavailable()}. */
  record Unavailable() implements Fault {
  }

  /** See {@link #down()}. */
  record Down() implements Fault {
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
