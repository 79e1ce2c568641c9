package dev.registrykit.junit.etcd.internal;

import dev.registrykit.junit.TimeScale;
import java.net.URI;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * An etcd of one or more members that the extension started and controls: keeps what the fault
 * controls left each member in, and does the waiting; the sources (containers, processes) supply
 * the primitives. Every control is synchronized, so controls from several threads do not interleave.
 */
abstract class ControlledEtcd implements Etcd {

  private static final System.Logger LOG = System.getLogger(ControlledEtcd.class.getName());

  // Bounds at scale 1: each is waited for times TimeScale.current() (the one rule for time in tests).
  static final Duration STARTUP = Duration.ofSeconds(60);
  /** Far more than an election takes with a 100 ms election timeout, so only a cluster without quorum hits it. */
  static final Duration ELECTION = Duration.ofSeconds(10);
  /**
   * The bound on peer links coming back after a heal or a restart. They take 0.1-1.1 s, and about
   * 5 s after a partition of several seconds (the peers' connections to the member's old address
   * time out first). A bound, not a delay: the wait ends as soon as the links are up.
   */
  static final Duration PEER_LINKS = Duration.ofSeconds(30);
  /**
   * How long a heal waits for peer links before attaching the member to the peers' network once
   * more: in 2 of about 15 full runs of registry-junit (2026-12-02) the links of a healed member
   * had not come back even after 30 s, and why is not established.
   */
  static final Duration HEALED_LINKS = Duration.ofSeconds(10);

  private enum State { SERVING, PAUSED, DOWN }

  private final List<URI> endpoints;
  private final State[] states;
  private final boolean[] partitioned;
  private boolean closed;

  ControlledEtcd(List<URI> endpoints) {
    this.endpoints = List.copyOf(endpoints);
    this.states = new State[endpoints.size()];
    this.partitioned = new boolean[endpoints.size()];
    Arrays.fill(states, State.SERVING);
  }

  // ------------------------------------------------------------------------------ source primitives

  /** Creates and starts every member of a new cluster (no data yet), without waiting for it. */
  abstract void launchAll();

  /** Removes every member and its data; never throws. */
  abstract void discardAll();

  abstract void doPause(int member);

  abstract void doUnpause(int member);

  abstract void doStop(int member);

  abstract void doKill(int member);

  /** Starts a stopped or killed member with its data, without waiting for it. */
  abstract void doStart(int member);

  abstract void doPartition(int member);

  abstract void doHeal(int member);

  /** Releases what the members shared (a Docker network, a directory); after {@link #discardAll()}; never throws. */
  void release() {
  }

  /** Whether a member the controls left running has ended by itself (a crashed process). */
  boolean exited(int member) {
    return false;
  }

  /** What a failure to start says this is, such as {@code etcd container of image x}. */
  abstract String what();

  /** Where to look when a member misbehaves (its log), or empty. */
  String diagnostics(int member) {
    return "";
  }

  // ------------------------------------------------------------------------------ lifecycle

  /** Launches the cluster and waits until every member is healthy; the caller closes on failure. */
  final synchronized void launch() {
    launchAll();
    awaitServing();
  }

  /** How many fault controls were used: see {@link Etcd#disruptions()}. */
  private long disruptions;
  /** {@link #disruptions} when {@link #restore()} last saw every member serve (none before the launch). */
  private long disruptionsWhenServing;

  @Override
  public final List<URI> endpoints() {
    return endpoints;
  }

  @Override
  public final synchronized long disruptions() {
    return disruptions;
  }

  @Override
  public final synchronized void pause(int member) {
    check(member);
    disruptions++;
    if (states[member] == State.DOWN) {
      throw new IllegalStateException(control("pause()", member) + " needs a running member, but "
          + name(member) + " was stopped or killed: start() it first");
    }
    if (states[member] == State.SERVING) {
      doPause(member);
      states[member] = State.PAUSED;
    }
  }

  @Override
  public final synchronized void unpause(int member) {
    check(member);
    if (states[member] == State.PAUSED) {
      doUnpause(member);
      states[member] = State.SERVING;
    }
  }

  @Override
  public final synchronized void stop(int member) {
    check(member);
    disruptions++;
    unpause(member); // a frozen etcd would not see the signal to stop
    if (states[member] == State.SERVING) {
      doStop(member);
      states[member] = State.DOWN;
    }
  }

  @Override
  public final synchronized void kill(int member) {
    check(member);
    disruptions++;
    unpause(member);
    if (states[member] == State.SERVING) {
      doKill(member);
      states[member] = State.DOWN;
    }
  }

  @Override
  public final synchronized void start(int member) {
    check(member);
    wake(member);
    await(member);
  }

  /** Unpauses or starts the member (or one that exited by itself), without waiting. */
  private void wake(int member) {
    unpause(member);
    if (states[member] == State.DOWN || exited(member)) {
      doStart(member);
      states[member] = State.SERVING;
    }
  }

  @Override
  public synchronized void partition(int member) {
    disruptions++;
    check(member);
    if (size() == 1) {
      throw new UnsupportedOperationException(control("partition()", member) + " cuts a member off from its "
          + "peers, but this etcd has one member and no peers: use @EtcdRegistryTest(members = 3) to test a "
          + "partition");
    }
    if (!partitioned[member]) {
      doPartition(member);
      partitioned[member] = true;
    }
  }

  @Override
  public synchronized void heal(int member) {
    check(member);
    if (partitioned[member]) {
      doHeal(member);
      partitioned[member] = false;
      try {
        awaitPeerLinks(TimeScale.scaled(HEALED_LINKS));
      } catch (IllegalStateException notBack) {
        LOG.log(System.Logger.Level.WARNING, "the peer links of " + name(member) + " were not back " + TimeScale.scaled(HEALED_LINKS)
            + " after it was healed (" + notBack.getMessage() + "); attaching it to its peers once more");
        doPartition(member);
        doHeal(member);
        awaitPeerLinks(TimeScale.scaled(PEER_LINKS));
      }
    }
  }

  /**
   * Waits until every serving member has its links to every other serving member back. A healed
   * member answers clients before its peer links are up; were the leader to go then, the others
   * could not elect a new one until those links were back (measured: 1.4-2.3 s instead of ~0.25 s).
   */
  private void awaitPeerLinks() {
    awaitPeerLinks(TimeScale.scaled(PEER_LINKS));
  }

  private void awaitPeerLinks(Duration timeout) {
    List<URI> serving = new java.util.ArrayList<>();
    for (int m = 0; m < size(); m++) {
      if (states[m] == State.SERVING && !partitioned[m]) {
        serving.add(endpoints.get(m));
      }
    }
    for (URI endpoint : serving) {
      Health.awaitPeers(endpoint, serving.size() - 1, timeout, what());
    }
  }

  @Override
  public final synchronized void pause() {
    for (int m = 0; m < size(); m++) {
      if (states[m] == State.SERVING) {
        pause(m);
      }
    }
  }

  @Override
  public final synchronized void unpause() {
    for (int m = 0; m < size(); m++) {
      unpause(m);
    }
  }

  @Override
  public final synchronized void stop() {
    for (int m = 0; m < size(); m++) {
      stop(m);
    }
  }

  @Override
  public final synchronized void kill() {
    for (int m = 0; m < size(); m++) {
      kill(m);
    }
  }

  @Override
  public final synchronized void start() {
    for (int m = 0; m < size(); m++) {
      wake(m);
    }
    for (int m = 0; m < size(); m++) {
      await(m);
    }
  }

  /**
   * Brings every member back and waits until each serves; where no fault control was used since etcd
   * last served in full and no member exited by itself, there is nothing to bring back and nothing
   * to wait for (the case after most tests: a health check per test cost about a millisecond or more).
   */
  @Override
  public final synchronized void restore() {
    boolean disturbed = disruptions != disruptionsWhenServing;
    for (int m = 0; m < size(); m++) {
      disturbed |= partitioned[m] || states[m] != State.SERVING || exited(m);
    }
    if (!disturbed) {
      return;
    }
    for (int m = 0; m < size(); m++) {
      if (partitioned[m]) {
        heal(m);
      }
      wake(m);
    }
    awaitServing();
    disruptionsWhenServing = disruptions;
  }

  @Override
  public final synchronized void wipe() {
    disruptions++;
    thaw();
    discardAll();
    Arrays.fill(states, State.SERVING);
    Arrays.fill(partitioned, false);
    launchAll();
    awaitServing();
  }

  @Override
  public final int leader() {
    return Leadership.await(endpoints, this::answers, TimeScale.scaled(ELECTION), toString());
  }

  @Override
  public final boolean isLeader(int member) {
    check(member);
    return Leadership.now(endpoints, this::answers).orElse(-1) == member;
  }

  /**
   * Whether to ask the member who leads: it runs, is not frozen, and is not cut off (a cut-off
   * leader names itself, and its followers name it, until an election timeout has passed; it is
   * not the leader a test wants to find).
   */
  private synchronized boolean answers(int member) {
    return states[member] == State.SERVING && !partitioned[member];
  }

  @Override
  public final void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
    }
    Cleanup.untrack(this);
    synchronized (this) {
      thaw();
    }
    discardAll();
    release();
  }

  /** Unpauses every paused member, so it can be removed; never throws. */
  private void thaw() {
    for (int m = 0; m < size(); m++) {
      if (states[m] == State.PAUSED) {
        try {
          doUnpause(m);
          states[m] = State.SERVING;
        } catch (RuntimeException e) {
          LOG.log(System.Logger.Level.WARNING, "could not unpause " + name(m) + " of " + this + ": " + e);
        }
      }
    }
  }

  // ------------------------------------------------------------------------------ waiting

  private void awaitServing() {
    for (int m = 0; m < size(); m++) {
      awaitHealthy(m);
    }
  }

  /**
   * Waits until the member serves (has a leader) if it can: it is connected and a quorum of members
   * runs; else only until it answers, since it will not get a leader before the test brings others back.
   */
  private void await(int member) {
    long running = 0;
    for (int m = 0; m < size(); m++) {
      if (states[m] == State.SERVING && !partitioned[m]) {
        running++;
      }
    }
    if (!partitioned[member] && running >= size() / 2 + 1) {
      awaitHealthy(member);
      if (size() > 1) {
        awaitPeerLinks();
      }
    } else {
      try {
        Health.awaitAnswer(endpoints.get(member), TimeScale.scaled(STARTUP), what() + ", " + name(member));
      } catch (RuntimeException e) {
        throw withDiagnostics(member, e);
      }
    }
  }

  private void awaitHealthy(int member) {
    try {
      Health.await(endpoints.get(member), TimeScale.scaled(STARTUP), size() == 1 ? what() : what() + ", " + name(member));
    } catch (RuntimeException e) {
      throw withDiagnostics(member, e);
    }
  }

  private RuntimeException withDiagnostics(int member, RuntimeException e) {
    String diagnostics = diagnostics(member);
    return diagnostics.isEmpty() ? e : new IllegalStateException(e.getMessage() + diagnostics, e);
  }

  private void check(int member) {
    if (member < 0 || member >= size()) {
      throw new IndexOutOfBoundsException("member(" + member + ") does not exist: this etcd has " + size()
          + " member" + (size() == 1 ? "" : "s") + ", numbered 0 to " + (size() - 1));
    }
    if (closed) {
      throw new IllegalStateException(this + " was already stopped and removed");
    }
  }

  /** How a refusal names the control: {@code partition()} on a single etcd, {@code member(1).partition()} on a cluster. */
  final String control(String control, int member) {
    return size() == 1 ? control : "member(" + member + ")." + control;
  }
}
