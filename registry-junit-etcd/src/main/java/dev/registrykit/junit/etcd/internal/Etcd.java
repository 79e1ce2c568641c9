package dev.registrykit.junit.etcd.internal;

import java.net.URI;
import java.util.List;

/**
 * An etcd the extension runs (or was pointed at): one member or a cluster, with the fault controls
 * its source allows. Members are numbered from 0 in the order of {@link #endpoints()}; the
 * controls without a member act on every member.
 */
interface Etcd extends AutoCloseable {

  /** {@code container}, {@code process} or {@code external}. */
  String source();

  /** One client endpoint per member, by index; the same for as long as the server lives. */
  List<URI> endpoints();

  /** How many members. */
  default int size() {
    return endpoints().size();
  }

  /** The member's etcd name, such as {@code etcd-0}. */
  default String name(int member) {
    return EtcdFlags.name(member);
  }

  /**
   * How many times a fault control (pause, stop, kill, partition, wipe) was used on this etcd so far:
   * a connection made before a change of this number may be in a reconnect backoff, so it is not
   * handed to the next test.
   */
  default long disruptions() {
    return 0;
  }

  void pause(int member);

  void unpause(int member);

  void stop(int member);

  /** Starts a stopped or killed member (unpauses a paused one) and waits until it answers. */
  void start(int member);

  void kill(int member);

  /** Cuts the member off from its peers; its client endpoint stays reachable. */
  void partition(int member);

  /** Undoes {@link #partition(int)}. */
  void heal(int member);

  void pause();

  void unpause();

  void stop();

  /** Starts etcd after {@link #stop()} or {@link #kill()} (unpauses it after {@link #pause()}) and waits until it answers. */
  void start();

  void kill();

  /** The index of the member that leads now; waits a bounded time for an election to end, else throws. */
  int leader();

  /** Whether the member leads now, by one look at every member's status. */
  boolean isLeader(int member);

  /** Every member loses all its data; a fresh cluster serves at the same endpoints once this returns. */
  void wipe();

  /**
   * Brings etcd back to serving if a fault control left a member paused, stopped, killed or
   * partitioned, and waits until it answers; does nothing if it serves. Runs after every test, so a
   * test that failed before undoing its fault does not leave the next tests without etcd.
   */
  void restore();

  /** Stops and removes whatever runs; idempotent; never throws. */
  @Override
  void close();
}
