package dev.registrykit.junit.etcd;

import dev.registrykit.junit.EtcdLifecycle;
import dev.registrykit.junit.EtcdMember;
import io.etcd.jetcd.Client;
import java.net.URI;
import java.util.List;

/**
 * The etcd a test runs against: its endpoints, a raw client, and fault controls.
 *
 * <p>Fault controls need an etcd of the test's own ({@link EtcdLifecycle#PER_CLASS} or {@link
 * EtcdLifecycle#PER_METHOD}) and one the extension started (a container or a process); otherwise
 * they throw {@link UnsupportedOperationException} naming the control and why. Endpoints stay the
 * same across {@link #stop()}/{@link #start()} and {@link #kill()}/{@link #start()}. After each test
 * the extension brings etcd back if the test left it paused, stopped or killed (say, it failed
 * before undoing its fault), so the next tests of a {@link EtcdLifecycle#PER_CLASS} class find it
 * serving, with its data.
 *
 * <p>With {@code @EtcdRegistryTest(members = 3)} etcd is a cluster: {@link #endpoints()} lists
 * every member's, the controls above act on every member at once, and {@link #members()}, {@link
 * #leader()} reach one member (to kill or partition the leader, say). {@link #wipe()} gives a fresh,
 * empty etcd at the same endpoints.
 *
 * <pre>{@code
 * @EtcdRegistryTest(lifecycle = EtcdLifecycle.PER_CLASS)
 * class OutageTest {
 *   @Test
 *   void registrationIsLostWhileEtcdIsPaused(Registry registry, EtcdHandle etcd, RegistryTime time) {
 *     Registration orders = registry.register(instance, Duration.ofSeconds(1));
 *     etcd.pause();
 *     time.eventually(() -> assertThat(orders).isLost());
 *     etcd.unpause();
 *     time.eventually(() -> assertThat(orders).isActive());
 *   }
 * }
 * }</pre>
 */
public interface EtcdHandle {

  /** The client endpoints, one per member, such as {@code http://127.0.0.1:32768}. */
  List<URI> endpoints();

  /** A raw jetcd client on this etcd, owned by the extension (do not close it). */
  Client client();

  /** Where this etcd runs: {@code container}, {@code process} or {@code external}. */
  String source();

  /** Freezes etcd (docker pause / SIGSTOP): connections stay open but nothing answers. */
  void pause();

  /** Undoes {@link #pause()}. */
  void unpause();

  /** Stops etcd gracefully, keeping its data; {@link #start()} brings it back on the same endpoints. */
  void stop();

  /**
   * Starts etcd again after {@link #stop()} or {@link #kill()} (or unpauses it), with the data it
   * had, and waits until it answers; does nothing to an etcd that serves.
   */
  void start();

  /** Kills etcd at once (SIGKILL), keeping its data; {@link #start()} brings it back. */
  void kill();

  /**
   * Every member, by index: one for a single etcd, 3 or 5 for a cluster.
   *
   * <pre>{@code
   * EtcdMember follower = etcd.members().stream().filter(m -> !m.isLeader()).findFirst().orElseThrow();
   * follower.partition();
   * }</pre>
   */
  List<EtcdMember> members();

  /**
   * The member at {@code index} ({@code etcd.member(2).kill()}); throws {@link
   * IndexOutOfBoundsException} naming the members there are.
   */
  EtcdMember member(int index);

  /**
   * The member that leads now, by the members' maintenance status: the one a quorum names leader.
   * Waits a bounded time (10 s, times {@link TimeScale#current()}) while an election is under way,
   * then throws {@link IllegalStateException} naming what each member said (say, too few members run
   * for a quorum).
   *
   * <pre>{@code
   * EtcdMember leader = etcd.leader();
   * leader.kill();
   * EtcdMember next = etcd.leader();   // waits for the election
   * }</pre>
   */
  EtcdMember leader();

  /**
   * Every member loses all its data: a fresh etcd (a new cluster) serves at the same endpoints when
   * this returns, at revision 1, without keys or leases. Registries and watches of the test see an
   * etcd that forgot them.
   *
   * <pre>{@code
   * etcd.wipe();
   * assertThat(etcd.client().getKVClient().get(key).get().getKvs()).isEmpty();
   * }</pre>
   */
  void wipe();
}
