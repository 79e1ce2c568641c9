package dev.registrykit;

import java.time.Duration;

/**
 * A live registration of one {@link ServiceInstance}: its key in the registry is bound to a lease
 * that the registry keeps alive in the background.
 *
 * <p>{@link #close()} deregisters: the key is deleted at once (others do not wait for the lease to
 * run out) and the lease is revoked. Closing twice is harmless.
 */
public interface Registration extends AutoCloseable {

  /** The instance as registered. */
  ServiceInstance instance();

  /**
   * The TTL the server granted. It can be longer than the one asked for: etcd never grants less
   * than its minimum TTL (by default 2 s, from its election timeout).
   */
  Duration ttl();

  /** The state now. */
  RegistrationState state();

  /**
   * Adds a listener for state changes; close the returned subscription to remove it.
   *
   * @throws NullPointerException if {@code listener} is null
   */
  Subscription addListener(RegistrationListener listener);

  /**
   * Deregisters the instance: deletes its key at once and revokes the lease, then moves to
   * {@link RegistrationState#CLOSED}. Idempotent. If the registry cannot be reached the state still
   * becomes {@code CLOSED} (keep-alive stops, so the key vanishes within the TTL) and the failure is
   * thrown as a {@link RegistryUnavailableException}.
   */
  @Override
  void close();
}
