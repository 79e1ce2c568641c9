package dev.registrykit.etcd.internal;

import static java.lang.System.Logger.Level.DEBUG;
import static java.lang.System.Logger.Level.WARNING;

import dev.registrykit.Candidacy;
import dev.registrykit.CandidacyListener;
import dev.registrykit.CandidacyState;
import dev.registrykit.RegistryException;
import dev.registrykit.Subscription;
import dev.registrykit.internal.Listeners;
import dev.registrykit.internal.Waits;
import java.time.Duration;
import java.util.OptionalLong;
import java.util.concurrent.RejectedExecutionException;

/**
 * One candidate's key on its lease, kept alive by a {@link LeaseKeeper} as a registration's is: at the
 * keeper's deadline (no keep-alive succeeded for a whole TTL, counted from when the last successful
 * one was sent, so no later than etcd may let the key go), or when etcd says the lease is gone, the
 * candidacy is {@link CandidacyState#LOST} at once, and {@link #state()} never reports it leading past
 * that deadline even if the scheduler thread is late. A leader cut off from etcd therefore stops
 * believing it leads before the next candidate can lead. Lost candidacies are not re-entered:
 * campaign again.
 */
final class EtcdCandidacy implements Candidacy {

  private static final System.Logger LOG = System.getLogger(EtcdCandidacy.class.getName());

  private final RegistryContext context;
  private final EtcdElection election;
  private final String candidateId;
  private final String key;
  private final long createRevision;
  private final long leaseId;
  private final Duration ttl;
  private final LeaseKeeper keeper;
  private final Listeners<CandidacyListener> listeners = new Listeners<>();
  private final RateLimitedLog failureLog = new RateLimitedLog(LOG, Duration.ofSeconds(10));
  private volatile CandidacyState state = CandidacyState.WAITING;
  private long token; // guarded by this
  private boolean crashed; // guarded by this

  /** A candidacy whose key was created at {@code createRevision} on lease {@code leaseId}; {@link #startKeepAlive} it. */
  EtcdCandidacy(RegistryContext context, EtcdElection election, String candidateId, String key, long createRevision,
      long leaseId, Duration ttl) {
    this.context = context;
    this.election = election;
    this.candidateId = candidateId;
    this.key = key;
    this.createRevision = createRevision;
    this.leaseId = leaseId;
    this.ttl = ttl;
    this.keeper = new LeaseKeeper(context, this, new LeaseKeeper.Holder() {
      @Override
      public void keepAliveFailed(Throwable failure) {
        failureLog.warn("keep-alive of candidacy {} in {} failed, retrying: {}", candidateId, election.name(),
            failure.toString());
      }

      @Override
      public void leaseLost(LeaseKeeper.Loss loss, Throwable lastFailure) {
        lose(loss, lastFailure);
      }
    });
  }

  /** Starts keep-alive, the lease's deadline counted from {@code grantSentNanos}, when its grant was sent. */
  synchronized void startKeepAlive(long grantSentNanos) {
    if (!EtcdElection.ended(state)) {
      keeper.start(leaseId, ttl, grantSentNanos);
    }
  }

  String key() {
    return key;
  }

  /** The revision at which its key was created: a listing of an earlier revision cannot show it. */
  long createRevision() {
    return createRevision;
  }

  @Override
  public String election() {
    return election.name();
  }

  @Override
  public String candidateId() {
    return candidateId;
  }

  @Override
  public Duration ttl() {
    return ttl;
  }

  /** The state now; past the lease's deadline it is {@code LOST}, whether or not the timer has fired yet. */
  @Override
  public CandidacyState state() {
    CandidacyState now = state;
    if (EtcdElection.ended(now)) {
      return now;
    }
    synchronized (this) {
      keeper.expireIfDue();
      return state;
    }
  }

  @Override
  public synchronized OptionalLong fencingToken() {
    keeper.expireIfDue();
    return state == CandidacyState.LEADING ? OptionalLong.of(token) : OptionalLong.empty();
  }

  @Override
  public boolean awaitLeadership(Duration timeout) {
    Waits.awaitWhile(this, () -> state == CandidacyState.WAITING, timeout, "awaitLeadership of " + candidateId);
    return state() == CandidacyState.LEADING;
  }

  @Override
  public Subscription addListener(CandidacyListener listener) {
    return listeners.add(listener);
  }

  // ------------------------------------------------------------------------------ decided by the election

  synchronized void elected(long fencingToken) {
    keeper.expireIfDue();
    if (state == CandidacyState.WAITING) {
      token = fencingToken;
      change(CandidacyState.LEADING);
    }
  }

  synchronized void gone() {
    if (!EtcdElection.ended(state)) {
      keeper.stop();
      change(CandidacyState.LOST);
      election.forget(this);
    }
  }

  // ------------------------------------------------------------------------------ keep-alive

  /** Under the monitor, from the keeper. */
  private void lose(LeaseKeeper.Loss loss, Throwable lastFailure) {
    if (EtcdElection.ended(state)) {
      return;
    }
    String why = crashed ? "crashed: its lease ran out"
        : loss == LeaseKeeper.Loss.GONE ? "its lease is gone (etcd answered that it is not found)"
        : lastFailure != null ? "keep-alive failed for its whole TTL " + ttl + ": " + lastFailure
        : "no keep-alive succeeded for its whole TTL " + ttl;
    LOG.log(WARNING, "candidacy " + candidateId + " in " + election.name() + " LOST: " + why);
    change(CandidacyState.LOST);
    election.forget(this);
  }

  /** Stops keep-alive without resigning, as a killed process would; LOST once the lease has run out. */
  synchronized void crash() {
    if (EtcdElection.ended(state)) {
      return;
    }
    crashed = true;
    keeper.crash();
  }

  /** Whether this candidacy was made by the registry of {@code registry}. */
  boolean belongsTo(RegistryContext registry) {
    return context == registry;
  }

  /** Under the monitor. */
  private void change(CandidacyState next) {
    CandidacyState previous = state;
    if (previous == next) {
      return;
    }
    state = next;
    notifyAll();
    listeners.forEach(listener -> {
      try {
        context.events().execute(() -> {
          try {
            listener.stateChanged(this, previous, next);
          } catch (RuntimeException e) {
            LOG.log(WARNING, "candidacy listener failed", e);
          }
        });
      } catch (RejectedExecutionException e) {
        LOG.log(DEBUG, "registry closed: not telling a candidacy listener");
      }
    });
  }

  /** Resigns: revokes the lease (deleting the key, so the next candidate leads at once). */
  @Override
  public void close() {
    synchronized (this) {
      if (EtcdElection.ended(state)) {
        return;
      }
      keeper.stop();
      change(CandidacyState.RESIGNED);
    }
    election.forget(this);
    try {
      context.calls().call(() -> context.client().getLeaseClient().revoke(leaseId),
          "resign " + candidateId + " from " + election.name());
    } catch (RegistryException e) {
      if (!Calls.isLeaseNotFound(e.getCause())) {
        throw e;
      }
    }
  }

  @Override
  public String toString() {
    return "EtcdCandidacy[" + election.name() + "/" + candidateId + ", " + state + "]";
  }
}
