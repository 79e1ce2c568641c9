package dev.registrykit;

import java.time.Duration;
import java.util.Optional;

/**
 * A leader election among the instances of a service: exactly one candidate leads at a time, the
 * earliest campaigner still alive, and when it dies (its lease runs out) or resigns the next one
 * takes over. Leadership is bound to a lease kept alive like a registration's.
 *
 * <pre>{@code
 * Election migrations = registry.election("orders-migrations");
 * try (Candidacy me = migrations.campaign("i-1", Duration.ofSeconds(10))) {
 *   if (me.awaitLeadership(Duration.ofSeconds(30))) {
 *     runMigrations(me.fencingToken().orElseThrow()); // guard writes with the token
 *   }
 * } // resigns: the next candidate leads
 * }</pre>
 *
 * <p>On etcd this is the recipe of etcd's own concurrency package: one key per candidate on its
 * lease, the leader is the key with the smallest create revision, and that revision is the
 * {@linkplain Leader#fencingToken() fencing token}: it strictly increases from one leader to the
 * next, so a store that remembers the highest token it saw can refuse writes of a deposed leader.
 */
public interface Election {

  /** The election's name. */
  String name();

  /**
   * Joins the election as {@code candidateId} and returns at once; the candidacy leads as soon as
   * every earlier candidate is gone.
   *
   * @param candidateId who campaigns, 1 to 128 characters of {@code [A-Za-z0-9._-]}
   * @param ttl         the lease TTL, whole seconds: a crashed leader is replaced after it
   * @throws RegistryUnavailableException if the registry cannot be reached
   */
  Candidacy campaign(String candidateId, Duration ttl);

  /** Who leads now, if anyone. */
  Optional<Leader> leader();

  /**
   * Observes the leadership: the listener is called with the leader now, then at every change
   * (a new leader, or none). Close the subscription to stop.
   */
  Subscription observe(LeaderListener listener);
}
