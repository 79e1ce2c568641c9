package dev.registrykit.etcd.internal;

import dev.registrykit.RegistryException;
import dev.registrykit.RegistryUnavailableException;
import io.etcd.jetcd.kv.PutResponse;
import io.etcd.jetcd.lease.LeaseGrantResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongFunction;

/**
 * Keeps one lease alive for a registration or a candidacy, and counts the lease's time on the client
 * side: the one mechanism both use, so that both let go alike.
 *
 * <p>A keep-alive request goes out every TTL/3 on the registry's one keep-alive stream ({@link
 * KeepAliveStream}, which an etcd in a graceful stop still serves, where it refuses new calls such
 * as {@code keepAliveOnce}), counted from when the last one was sent (a slow
 * answer does not push the next one back); each may take TTL/6 (a member that cannot reach the leader
 * may leave it unanswered), and a failed one is retried after a {@link Backoff} from 10-20 ms,
 * doubling up to TTL/12-TTL/6, so that several tries fit in a TTL when members fail and at most
 * about 20 go out per TTL. A keep-alive that etcd refuses for good ({@link Calls#isPermanent}; for a
 * refused token, when the renewal of the token is refused too) is not retried: the holder hears
 * the loss at the deadline. The client's <em>deadline</em> is the moment the
 * last successful keep-alive was sent (or the grant, for a fresh lease) plus the TTL: etcd received
 * that request later, so it cannot let the lease go before then. A timer fires at the deadline itself, whatever the keep-alive calls are
 * doing (each call is also bounded by the time left), and the holder hears {@link
 * Loss#EXPIRED}; {@link #expireIfDue()} lets a reader enforce the deadline even if the scheduler
 * thread is late. So a holder never counts its lease alive past the moment etcd may have let it go.
 *
 * <p>Not thread-safe on its own: every method must be called holding {@code monitor}, the holder's
 * monitor, which the keeper's own timers and callbacks take too; the holder's callbacks are made under
 * it. Calls to etcd are made outside it.
 */
final class LeaseKeeper {

  /** Why a lease counts as lost. */
  enum Loss {
    /** No keep-alive succeeded for a whole TTL (keep-alive failed, hung, or was stopped by a crash). */
    EXPIRED,
    /** etcd answered that the lease does not exist (any more). */
    GONE
  }

  /** What a keeper tells its holder, under the holder's monitor. */
  interface Holder {
    /**
     * A keep-alive failed; the keeper retries it, and the lease may still live.
     *
     * @param failure what the call failed with
     */
    void keepAliveFailed(Throwable failure);

    /**
     * The lease counts as lost and the keeper has stopped.
     *
     * @param loss        why
     * @param lastFailure the last keep-alive failure since the last renewal, or null if there was none
     */
    void leaseLost(Loss loss, Throwable lastFailure);
  }

  private static final Duration MIN_CALL_TIMEOUT = Duration.ofMillis(100);
  private static final Duration FIRST_RETRY = Duration.ofMillis(20);

  private final RegistryContext context;
  private final Object monitor;
  private final Holder holder;

  private long leaseId;
  private Duration ttl;
  /** System.nanoTime() at which the lease may be gone on etcd: last successful keep-alive sent + TTL. */
  private long deadlineNanos;
  /** Bumped whenever the keeper starts, stops or crashes, so that late callbacks of before are ignored. */
  private long generation;
  private boolean counting;
  private boolean renewing;
  /** The pause before retrying a failed keep-alive: 10-20 ms doubling to TTL/12-TTL/6. */
  private Backoff retries;
  private Throwable lastFailure;
  private ScheduledFuture<?> nextKeepAlive;
  private ScheduledFuture<?> deadlineTimer;

  /** A keeper that has not started: {@link #start} it with a granted lease. */
  LeaseKeeper(RegistryContext context, Object monitor, Holder holder) {
    this.context = context;
    this.monitor = monitor;
    this.holder = holder;
  }

  /**
   * A lease granted and a key put on it, ready for {@link #start}: its id, granted TTL, the put's
   * answer, and {@code clockStart}, the {@code System.nanoTime()} its TTL is counted from.
   */
  record Leased(long leaseId, Duration ttl, PutResponse put, long clockStart) {
  }

  /**
   * Grants a lease of {@code ttl}, puts a key on it with {@code put} (given the lease id), and finds
   * when the lease's clock started; blocking, each call bounded by the call timeout. The TTL runs from
   * the grant, so it is timed from when the attempt that got it was sent (an earlier attempt may
   * have gone to a member that could not answer). If the put fails, the lease is revoked and the
   * failure thrown: if etcd refused the put (a missing grant), the revoke is awaited and, if etcd
   * refuses it too (etcd 3.4 checks the user may write the lease's keys), the exception says that the
   * lease is left to its TTL; otherwise the revoke is best effort. Registrations and candidacies both
   * start so.
   *
   * @param keyOf     the key that {@code put} writes for a lease id, for messages
   * @param operation what is being done, for messages, such as {@code register /services/orders/i-1}
   */
  static Leased grantAndPut(RegistryContext context, Duration ttl, LongFunction<CompletableFuture<PutResponse>> put,
      LongFunction<String> keyOf, String operation) {
    long[] sent = new long[1];
    LeaseGrantResponse grant = context.calls().call(() -> {
      sent[0] = System.nanoTime();
      return context.client().getLeaseClient().grant(ttl.toSeconds());
    }, operation + " (lease grant)");
    PutResponse written;
    try {
      written = context.calls().call(() -> put.apply(grant.getID()), operation + " (put)", keyOf.apply(grant.getID()));
    } catch (RegistryException e) {
      if (e instanceof RegistryUnavailableException || !Calls.isPermanent(e.getCause())) {
        context.client().getLeaseClient().revoke(grant.getID()); // best effort: holds nothing
        throw e;
      }
      throw revokedOrLeft(context, grant, e, operation);
    }
    Duration granted = Duration.ofSeconds(grant.getTTL());
    return new Leased(grant.getID(), granted, written, clockStart(context, grant.getID(), granted, sent[0], operation));
  }

  /**
   * The put on {@code grant}'s lease was refused ({@code refused}): revokes the lease, awaited, and
   * gives {@code refused}, or, if etcd refuses the revoke too, an exception of the same kind whose
   * message adds that the lease is left to its TTL.
   */
  private static RegistryException revokedOrLeft(RegistryContext context, LeaseGrantResponse grant,
      RegistryException refused, String operation) {
    try {
      context.calls().call(() -> context.client().getLeaseClient().revoke(grant.getID()), operation + " (lease revoke)");
      return refused;
    } catch (RegistryException revokeFailed) {
      RegistryException left = new RegistryException(refused.getMessage() + "; its lease "
          + Long.toHexString(grant.getID()) + " holds no key and is left to its TTL of " + grant.getTTL()
          + " s: etcd refused to revoke it too (" + Calls.unwrap(revokeFailed.getCause() == null ? revokeFailed
              : revokeFailed.getCause()).getMessage() + ")", refused.getCause());
      left.addSuppressed(revokeFailed);
      return left;
    }
  }

  /**
   * When the clock of a lease just granted and written to starts: when its grant was sent, unless
   * granting and writing took more than a keep-alive interval (TTL/3) of its TTL; then the lease is
   * renewed now, blocking within the call timeout, and its clock starts when that renewal was sent.
   * Grant and put take a few milliseconds, but the first calls of a new client can take most of a
   * short TTL (connecting, loading classes): without this, a registration could turn LOST right
   * after {@code register} returned it. If the renewal fails, the grant's time stands, and the
   * keeper finds out what is left.
   *
   * @param grantSentNanos {@code System.nanoTime()} when the grant that got the lease was sent
   * @param operation      what is being done, for messages
   */
  private static long clockStart(RegistryContext context, long lease, Duration ttl, long grantSentNanos, String operation) {
    if (System.nanoTime() - grantSentNanos < ttl.dividedBy(3).toNanos()) {
      return grantSentNanos;
    }
    long[] sent = new long[1];
    try {
      context.calls().call(() -> {
        sent[0] = System.nanoTime();
        return context.keepAlives().keepAlive(lease);
      }, operation + " (keep-alive after a slow grant)");
      return sent[0];
    } catch (RuntimeException e) {
      return grantSentNanos;
    }
  }

  /**
   * Starts keeping {@code lease} alive (replacing whatever was kept before).
   *
   * @param lease     the lease id
   * @param ttl       its granted TTL
   * @param sentNanos {@code System.nanoTime()} when the grant that got it was sent: the TTL runs from there
   */
  void start(long lease, Duration ttl, long sentNanos) {
    stop();
    this.leaseId = lease;
    this.ttl = ttl;
    this.deadlineNanos = sentNanos + ttl.toNanos();
    this.counting = true;
    this.renewing = true;
    Duration cap = interval().dividedBy(2);
    this.retries = new Backoff(cap.compareTo(FIRST_RETRY) < 0 ? cap : FIRST_RETRY, cap);
    this.lastFailure = null;
    context.keepAlives().open(); // before the first renewal: etcd in a graceful stop refuses new streams
    scheduleDeadline();
    scheduleKeepAlive(interval().minusNanos(System.nanoTime() - sentNanos));
  }

  /** Stops renewing, as a killed process would; the holder hears {@link Loss#EXPIRED} at the deadline. */
  void crash() {
    if (!counting) {
      return;
    }
    generation++; // a keep-alive already sent is not heard of: the process is gone
    renewing = false;
    cancel(nextKeepAlive);
    nextKeepAlive = null;
    scheduleDeadline();
  }

  /** Stops for good (until started again); the holder hears nothing more. */
  void stop() {
    generation++;
    counting = false;
    renewing = false;
    cancel(nextKeepAlive);
    cancel(deadlineTimer);
    nextKeepAlive = null;
    deadlineTimer = null;
  }

  /** The lease kept now (or last). */
  long leaseId() {
    return leaseId;
  }

  /** The TTL granted to that lease. */
  Duration ttl() {
    return ttl;
  }

  /**
   * Declares the lease lost now if its deadline has passed, even if the timer has not fired yet (the
   * scheduler may be late), so that whoever reads a state never sees it alive past the deadline.
   */
  void expireIfDue() {
    if (counting && System.nanoTime() - deadlineNanos >= 0) {
      lose(Loss.EXPIRED);
    }
  }

  // ------------------------------------------------------------------------------ timers

  private Duration interval() {
    return ttl.dividedBy(3);
  }

  /**
   * A keep-alive may take half the interval it serves (an answer takes a millisecond or two; one that
   * does not come is usually a member that cannot reach the leader, and the retry goes to another),
   * and outlasts neither the call timeout nor (by more than {@link #MIN_CALL_TIMEOUT}) the deadline:
   * the deadline's timer does not wait for it anyway. Half, not all, of the interval: when the TTL
   * is 1 s and a member hangs, four tries fit before the deadline instead of two.
   */
  private Duration callTimeout() {
    Duration timeout = interval().dividedBy(2);
    if (context.callTimeout().compareTo(timeout) < 0) {
      timeout = context.callTimeout();
    }
    Duration left = Duration.ofNanos(deadlineNanos - System.nanoTime());
    if (left.compareTo(timeout) < 0) {
      timeout = left;
    }
    return timeout.compareTo(MIN_CALL_TIMEOUT) < 0 ? MIN_CALL_TIMEOUT : timeout;
  }

  private void scheduleKeepAlive(Duration delay) {
    cancel(nextKeepAlive);
    long expected = generation;
    nextKeepAlive = schedule(() -> keepAlive(expected), delay);
  }

  private void scheduleDeadline() {
    cancel(deadlineTimer);
    long expected = generation;
    deadlineTimer = schedule(() -> deadlineReached(expected), Duration.ofNanos(deadlineNanos - System.nanoTime()));
  }

  private ScheduledFuture<?> schedule(Runnable task, Duration delay) {
    try {
      return context.scheduler().schedule(task, Math.max(0, delay.toNanos()), TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException e) {
      return null; // the registry is closing
    }
  }

  private static void cancel(ScheduledFuture<?> future) {
    if (future != null) {
      future.cancel(false);
    }
  }

  private void deadlineReached(long expected) {
    synchronized (monitor) {
      if (expected != generation || !counting) {
        return;
      }
      if (System.nanoTime() - deadlineNanos >= 0) {
        lose(Loss.EXPIRED);
      } else {
        scheduleDeadline(); // moved by a renewal meanwhile
      }
    }
  }

  private void keepAlive(long expected) {
    long lease;
    long sent;
    Duration timeout;
    synchronized (monitor) {
      if (expected != generation || !renewing) {
        return;
      }
      lease = leaseId;
      sent = System.nanoTime();
      timeout = callTimeout();
    }
    CompletableFuture<Long> renewal = context.keepAlives().keepAlive(lease);
    Calls.within(renewal, timeout, context.scheduler())
        .whenCompleteAsync((grantedSeconds, failure) -> {
          if (Calls.unwrap(failure) instanceof java.util.concurrent.TimeoutException) {
            context.keepAlives().abandon(renewal, interval()); // silent a TTL/3: the next goes out on a new stream
          }
          answered(expected, sent, grantedSeconds == null ? 0 : grantedSeconds, failure);
        }, context.scheduler());
  }

  private void answered(long expected, long sent, long grantedSeconds, Throwable failure) {
    synchronized (monitor) {
      if (expected != generation || !renewing) {
        return; // stopped, crashed, restarted or past the deadline meanwhile
      }
      if (failure == null && grantedSeconds > 0) {
        Duration granted = Duration.ofSeconds(grantedSeconds);
        long deadline = sent + (granted.compareTo(ttl) < 0 ? granted : ttl).toNanos();
        if (deadline - deadlineNanos > 0) {
          deadlineNanos = deadline;
          scheduleDeadline();
        }
        retries.reset();
        lastFailure = null;
        scheduleKeepAlive(interval().minusNanos(System.nanoTime() - sent)); // the cadence runs from the sends
        context.connectivity().answered();
        return;
      }
      if (failure == null || Calls.isLeaseNotFound(failure)) {
        lose(Loss.GONE);
        return;
      }
      lastFailure = Calls.unwrap(failure);
      holder.keepAliveFailed(lastFailure);
      if (Calls.isInvalidAuthToken(failure)) {
        // etcd 3.5 checks a keep-alive's token, which jetcd does not renew for it: renew it, then retry;
        // if etcd refuses the renewal for good (the user deleted, its password changed), stop
        long renewing = generation;
        context.renewAuthToken().whenCompleteAsync((renewed, renewal) -> {
          synchronized (monitor) {
            if (renewing != generation || !this.renewing) {
              return;
            }
            // a refused read still authenticated: only the user or password being refused is for good
            if (renewal != null && Calls.isPermanent(renewal) && !Calls.isPermissionDenied(renewal)) {
              refused(Calls.unwrap(renewal));
            } else {
              retry(failure);
            }
          }
        }, context.scheduler());
        return;
      }
      if (Calls.isPermanent(failure)) {
        refused(lastFailure);
        return;
      }
      retry(failure);
    }
  }

  /**
   * Under the monitor: retries a failed keep-alive soon: in a cluster the next call goes to another
   * member (jetcd balances round robin), which answers if the failed one met a member cut off from
   * its peers. The {@link Backoff} goes from 20 ms, doubling up to half the keep-alive interval
   * (TTL/6), with jitter: at most about 10 calls per TTL for TTLs up to a minute, and none after the
   * deadline, when the holder hears the loss.
   */
  private void retry(Throwable failure) {
    if (Calls.isUnavailable(failure)) {
      context.connectivity().retrying();
    }
    scheduleKeepAlive(retries.next());
  }

  /**
   * Under the monitor: etcd refused keep-alive for good ({@link Calls#isPermanent}): no more calls;
   * the holder hears {@link Loss#EXPIRED} with {@code failure} at the deadline, when etcd may let
   * the lease go, as after any keep-alive that failed.
   */
  private void refused(Throwable failure) {
    lastFailure = failure;
    renewing = false;
    cancel(nextKeepAlive);
    nextKeepAlive = null;
  }

  private void lose(Loss loss) {
    Throwable failure = lastFailure;
    stop();
    holder.leaseLost(loss, failure);
  }
}
