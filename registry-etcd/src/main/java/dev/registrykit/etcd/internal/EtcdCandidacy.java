package dev.registrykit.etcd.internal;

import dev.registrykit.Candidacy;
import dev.registrykit.CandidacyListener;
import dev.registrykit.CandidacyState;
import dev.registrykit.RegistryException;
import dev.registrykit.Subscription;
import dev.registrykit.internal.Validation;
import dev.registrykit.internal.Waits;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One candidate's key on its lease. Keep-alive runs every TTL/3 like a registration's; when no
 * renewal has succeeded for a whole TTL (or etcd says the lease is gone), the candidacy is {@link
 * CandidacyState#LOST} at once, so a leader cut off from etcd stops believing it leads no later
 * than when etcd lets its key go. Lost candidacies are not re-entered: campaign again.
 */
final class EtcdCandidacy implements Candidacy, EtcdCandidacyAccess.Crashable {

  private static final Logger LOG = LoggerFactory.getLogger(EtcdCandidacy.class);

  private final RegistryContext context;
  private final EtcdElection election;
  private final String candidateId;
  private final String key;
  private final long leaseId;
  private final Duration ttl;
  private final List<CandidacyListener> listeners = new CopyOnWriteArrayList<>();
  private final RateLimitedLog failureLog = new RateLimitedLog(LOG, Duration.ofSeconds(10));
  private volatile CandidacyState state = CandidacyState.WAITING;
  private long token; // guarded by this
  private long lastRenewedNanos; // guarded by this
  private boolean crashed; // guarded by this
  private ScheduledFuture<?> nextTick; // guarded by this

  EtcdCandidacy(RegistryContext context, EtcdElection election, String candidateId, String key, long leaseId,
      Duration ttl) {
    this.context = context;
    this.election = election;
    this.candidateId = candidateId;
    this.key = key;
    this.leaseId = leaseId;
    this.ttl = ttl;
    this.lastRenewedNanos = System.nanoTime();
  }

  String key() {
    return key;
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

  @Override
  public CandidacyState state() {
    return state;
  }

  @Override
  public synchronized OptionalLong fencingToken() {
    return state == CandidacyState.LEADING ? OptionalLong.of(token) : OptionalLong.empty();
  }

  @Override
  public boolean awaitLeadership(Duration timeout) {
    Waits.awaitWhile(this, () -> state == CandidacyState.WAITING, timeout, "awaitLeadership of " + candidateId);
    return state == CandidacyState.LEADING;
  }

  @Override
  public Subscription addListener(CandidacyListener listener) {
    Validation.requireNonNull(listener, "listener");
    listeners.add(listener);
    return () -> listeners.remove(listener);
  }

  // ------------------------------------------------------------------------------ decided by the election

  synchronized void elected(long fencingToken) {
    if (state == CandidacyState.WAITING) {
      token = fencingToken;
      change(CandidacyState.LEADING);
    }
  }

  synchronized void gone() {
    if (!EtcdElection.ended(state)) {
      stop();
      change(CandidacyState.LOST);
      election.forget(this);
    }
  }

  // ------------------------------------------------------------------------------ keep-alive

  synchronized void startKeepAlive() {
    schedule(ttl.dividedBy(3));
  }

  private void schedule(Duration delay) {
    if (nextTick != null) {
      nextTick.cancel(false);
    }
    try {
      nextTick = context.scheduler().schedule(this::tick, Math.max(0, delay.toNanos()), TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException e) {
      nextTick = null;
    }
  }

  private void stop() {
    if (nextTick != null) {
      nextTick.cancel(false);
      nextTick = null;
    }
  }

  private synchronized void tick() {
    if (EtcdElection.ended(state)) {
      return;
    }
    if (crashed) {
      lose("crashed: its lease ran out");
      return;
    }
    long sent = System.nanoTime();
    Duration timeout = ttl.dividedBy(3).compareTo(context.callTimeout()) < 0 ? ttl.dividedBy(3) : context.callTimeout();
    Calls.within(context.client().getLeaseClient().keepAliveOnce(leaseId), timeout, context.scheduler())
        .whenCompleteAsync((response, failure) -> renewed(sent, response == null ? 0 : response.getTTL(), failure),
            context.scheduler());
  }

  private synchronized void renewed(long sent, long grantedSeconds, Throwable failure) {
    if (EtcdElection.ended(state) || crashed) {
      return;
    }
    if (failure == null && grantedSeconds > 0) {
      lastRenewedNanos = sent;
      schedule(ttl.dividedBy(3));
    } else if (failure == null || Calls.isLeaseNotFound(failure)) {
      lose("its lease is gone");
    } else if (System.nanoTime() - lastRenewedNanos >= ttl.toNanos()) {
      lose("keep-alive failed for longer than its TTL " + ttl + ": " + Calls.unwrap(failure));
    } else {
      failureLog.warn("keep-alive of candidacy {} in {} failed, retrying: {}", candidateId, election.name(),
          Calls.unwrap(failure).toString());
      Duration retry = ttl.dividedBy(6);
      schedule(retry.toMillis() < 100 ? Duration.ofMillis(100) : retry);
    }
  }

  private void lose(String why) {
    LOG.warn("candidacy {} in {} LOST: {}", candidateId, election.name(), why);
    stop();
    change(CandidacyState.LOST);
    election.forget(this);
  }

  /** Stops keep-alive without resigning, as a killed process would; LOST once the lease has run out. */
  @Override
  public synchronized void crashForTests() {
    if (EtcdElection.ended(state)) {
      return;
    }
    crashed = true;
    Duration left = ttl.minusNanos(System.nanoTime() - lastRenewedNanos);
    schedule(left.isNegative() ? Duration.ZERO : left);
  }

  /** Under the monitor. */
  private void change(CandidacyState next) {
    CandidacyState previous = state;
    if (previous == next) {
      return;
    }
    state = next;
    notifyAll();
    for (CandidacyListener listener : listeners) {
      try {
        context.events().execute(() -> {
          try {
            listener.stateChanged(this, previous, next);
          } catch (RuntimeException e) {
            LOG.warn("candidacy listener failed", e);
          }
        });
      } catch (RejectedExecutionException e) {
        LOG.debug("registry closed: not telling a candidacy listener");
      }
    }
  }

  /** Resigns: revokes the lease (deleting the key, so the next candidate leads at once). */
  @Override
  public void close() {
    synchronized (this) {
      if (EtcdElection.ended(state)) {
        return;
      }
      stop();
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
