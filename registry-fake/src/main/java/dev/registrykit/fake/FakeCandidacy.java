package dev.registrykit.fake;

import dev.registrykit.Candidacy;
import dev.registrykit.CandidacyListener;
import dev.registrykit.CandidacyState;
import dev.registrykit.RegistryUnavailableException;
import dev.registrykit.Subscription;
import dev.registrykit.internal.Listeners;
import dev.registrykit.internal.Waits;
import java.time.Duration;
import java.util.OptionalLong;

/** One candidate's key on its own lease, kept alive every TTL/3 of fake time. */
final class FakeCandidacy implements Candidacy {

  /** Whose connection a candidacy uses: this registry's, which its faults cut, or another program's. */
  enum Connection {
    THIS_CLIENT,
    ANOTHER_CLIENT
  }

  private final FakeContext context;
  private final FakeElection election;
  private final String candidateId;
  private final Duration ttl;
  private final Lessor.Lease lease;
  final String key;
  private final Connection connection;
  private final Listeners<CandidacyListener> listeners = new Listeners<>();
  volatile CandidacyState state = CandidacyState.WAITING;
  volatile long token;
  private final KeepAlive keepAlive;

  FakeCandidacy(FakeContext context, FakeElection election, String candidateId, Duration ttl, Lessor.Lease lease,
      String key, Connection connection) {
    this.context = context;
    this.election = election;
    this.candidateId = candidateId;
    this.ttl = ttl;
    this.lease = lease;
    this.key = key;
    this.connection = connection;
    this.keepAlive = new KeepAlive(context, ttl, new Owner());
  }

  /** Whether its connection is cut now. Under lock. */
  boolean cutOff() {
    return connection == Connection.THIS_CLIENT ? context.faults.unavailable() : context.faults.down();
  }

  /** Whether it belongs to the registry of {@code other}. */
  boolean belongsTo(FakeContext other) {
    return context == other;
  }

  @Override
  public String election() {
    return election.name;
  }

  @Override
  public String candidateId() {
    return candidateId;
  }

  @Override
  public Duration ttl() {
    return ttl;
  }

  @Override
  public CandidacyState state() {
    return state;
  }

  @Override
  public OptionalLong fencingToken() {
    return state == CandidacyState.LEADING ? OptionalLong.of(token) : OptionalLong.empty();
  }

  /**
   * Waits, in real time, for leadership: on the fake, leadership changes only when the clock or
   * another candidate moves, so a test that waits here needs another thread to move them.
   */
  @Override
  public boolean awaitLeadership(Duration timeout) {
    Waits.awaitWhile(this, () -> state == CandidacyState.WAITING, timeout, "awaitLeadership of " + candidateId);
    return state == CandidacyState.LEADING;
  }

  @Override
  public Subscription addListener(CandidacyListener listener) {
    return listeners.add(listener);
  }

  void scheduleKeepAlive() {
    keepAlive.schedule();
  }

  /** Under lock: its process dies; keep-alive stops and it keeps its place until its lease runs out. */
  void crash() {
    keepAlive.crash();
  }

  /** Under lock, when a fault heals: a failing keep-alive renews at once ({@link KeepAlive#resume()}). */
  void resumeKeepAlive() {
    keepAlive.resume();
  }

  /** Under lock: a renewal succeeded now; the client counts the TTL from here. */
  void renewed() {
    keepAlive.renewed();
  }

  /**
   * Its keep-alive's decisions: renewed until it resigns or is lost; when no renewal succeeded for a
   * whole TTL it counts itself LOST, so that it never believes it leads past its lease, even while
   * the server has not removed its key yet.
   */
  private final class Owner implements KeepAlive.Owner {

    @Override
    public boolean ended() {
      return state == CandidacyState.LOST || state == CandidacyState.RESIGNED;
    }

    @Override
    public boolean renewing() {
      return true;
    }

    @Override
    public boolean cutOff() {
      return FakeCandidacy.this.cutOff();
    }

    @Override
    public Lessor.Lease lease() {
      return lease;
    }

    @Override
    public void reached() {
      if (lease.alive()) {
        keepAlive.renew();
      }
    }

    @Override
    public void deadlinePassed() {
      synchronized (context.lock) {
        end(CandidacyState.LOST, false);
      }
      context.callbacks.deliver();
    }
  }

  /** Under lock: leaves the election as {@code how}; revokes the lease if the store can be reached. */
  void end(CandidacyState how, boolean revoke) {
    if (state == CandidacyState.LOST || state == CandidacyState.RESIGNED) {
      return;
    }
    keepAlive.cancel();
    election.candidacies.remove(this);
    changeState(how);
    if (revoke) {
      context.lessor.revoke(lease); // deletes the key: the next candidate leads
    }
  }

  void changeState(CandidacyState next) {
    CandidacyState previous = state;
    state = next;
    synchronized (this) {
      notifyAll();
    }
    listeners.forEach(listener -> context.callbacks.queue(() -> listener.stateChanged(this, previous, next)));
  }

  @Override
  public void close() {
    RegistryUnavailableException failure = null;
    synchronized (context.lock) {
      boolean reachable = !cutOff();
      end(CandidacyState.RESIGNED, reachable);
      if (!reachable) {
        failure = new RegistryUnavailableException("resigning " + candidateId + " from " + election.name
            + " failed: the fake registry is unavailable; its place goes when its lease runs out");
      }
    }
    context.callbacks.deliver();
    if (failure != null) {
      throw failure;
    }
  }

  @Override
  public String toString() {
    return "FakeCandidacy[" + election.name + "/" + candidateId + ", " + state + "]";
  }
}
