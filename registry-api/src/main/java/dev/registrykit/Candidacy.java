package dev.registrykit;

import java.time.Duration;
import java.util.OptionalLong;

/**
 * One candidate's place in an {@link Election}: {@link CandidacyState#WAITING}, then {@link
 * CandidacyState#LEADING} once every earlier candidate is gone, until it resigns ({@link #close()})
 * or loses its lease ({@link CandidacyState#LOST}: a leader cut off from the registry learns it no
 * later than a TTL after its last successful keep-alive was sent, before the registry can let its
 * place go, so two candidates never both believe they lead past the TTL; {@link #state()} says so
 * from that moment, its listeners hear it right after).
 */
public interface Candidacy extends AutoCloseable {

  /** The election. */
  String election();

  /** Who campaigns. */
  String candidateId();

  /** The TTL granted to the candidacy's lease. */
  Duration ttl();

  /** The state now. */
  CandidacyState state();

  /** Whether this candidacy leads now. */
  default boolean isLeader() {
    return state() == CandidacyState.LEADING;
  }

  /** The fencing token while leading (see {@link Leader#fencingToken()}); empty otherwise. */
  OptionalLong fencingToken();

  /**
   * Waits until this candidacy leads, at most {@code timeout} ({@code Duration.ZERO} only looks).
   *
   * @return true if it leads, false if the time ran out or the candidacy ended (lost or resigned)
   * @throws IllegalArgumentException if {@code timeout} is negative
   * @throws NullPointerException     if {@code timeout} is null
   * @throws RegistryException        if the thread was interrupted (the interrupt flag is restored)
   */
  boolean awaitLeadership(Duration timeout);

  /** Adds a listener for state changes; close the subscription to remove it. */
  Subscription addListener(CandidacyListener listener);

  /** Leaves the election (handing leadership to the next candidate at once). Idempotent. */
  @Override
  void close();
}
