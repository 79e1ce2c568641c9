package dev.registrykit.junit;

import java.net.URI;

/**
 * One member of the etcd a test runs against ({@code EtcdHandle.members()}), with fault controls
 * for it alone. A single etcd has one member, index 0.
 *
 * <p>The controls have the rules of {@code EtcdHandle}'s: they need an etcd of the test's own
 * ({@link EtcdLifecycle#PER_CLASS} or {@link EtcdLifecycle#PER_METHOD}) that the extension started,
 * else they throw {@link UnsupportedOperationException} naming the control and why; the member's
 * endpoint stays the same whatever they do; and after each test the extension brings back every
 * member left paused, stopped, killed or partitioned.
 *
 * <pre>{@code
 * @EtcdRegistryTest(members = 3, lifecycle = EtcdLifecycle.PER_CLASS)
 * class FailoverTest {
 *   @Test
 *   void registrationSurvivesTheLeadersDeath(Registry registry, EtcdHandle etcd, RegistryTime time) {
 *     Registration orders = registry.register(instance, Duration.ofSeconds(2));
 *     EtcdMember leader = etcd.leader();
 *     leader.kill();
 *     assertThat(etcd.leader()).isNotEqualTo(leader);   // another member took over
 *     time.elapse(Duration.ofSeconds(3));
 *     assertThat(orders).isActive();                    // two of three members keep quorum
 *     leader.start();
 *   }
 * }
 * }</pre>
 */
public interface EtcdMember {

  /** Its position in {@code EtcdHandle.members()}, from 0. */
  int index();

  /** Its etcd name, such as {@code etcd-0}. */
  String name();

  /** Its client endpoint, such as {@code http://127.0.0.1:32768}; the same for as long as the etcd lives. */
  URI endpoint();

  /** Kills the member at once (SIGKILL), keeping its data; {@link #start()} brings it back. */
  void kill();

  /** Stops the member gracefully, keeping its data; {@link #start()} brings it back. */
  void stop();

  /**
   * Starts the member again after {@link #stop()} or {@link #kill()} (or unpauses it), with its
   * data, and waits until it serves with its links to the other serving members back (or, when too
   * few members run for a quorum, until it answers); does nothing to a member that serves.
   */
  void start();

  /** Freezes the member (docker pause / SIGSTOP): its connections stay open but it answers nothing. */
  void pause();

  /** Undoes {@link #pause()}. */
  void unpause();

  /**
   * Cuts the member off from its peers while its client endpoint stays reachable: it answers
   * serializable reads and its status, but can neither lead nor commit. Needs the container source
   * and a cluster ({@code members} 3 or 5); throws {@link UnsupportedOperationException} otherwise.
   */
  void partition();

  /**
   * Undoes {@link #partition()}: the member reconnects to its peers and catches up. Returns once every
   * serving member has its links to the others back (by etcd's {@code etcd_network_active_peers}
   * metrics), so that a fault injected next meets a whole cluster.
   */
  void heal();

  /** Whether this member leads now, by one look at every member's status (false during an election). */
  boolean isLeader();
}
