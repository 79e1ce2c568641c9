package dev.registrykit.etcd.internal;

import static java.lang.System.Logger.Level.DEBUG;
import static java.lang.System.Logger.Level.ERROR;
import static java.lang.System.Logger.Level.INFO;
import static java.lang.System.Logger.Level.WARNING;

import dev.registrykit.Recovery;
import dev.registrykit.Registration;
import dev.registrykit.RegistrationListener;
import dev.registrykit.RegistrationState;
import dev.registrykit.RegistryException;
import dev.registrykit.RegistryUnavailableException;
import dev.registrykit.ServiceInstance;
import dev.registrykit.Subscription;
import dev.registrykit.internal.InstanceCodec;
import dev.registrykit.internal.Listeners;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.kv.PutResponse;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.lease.LeaseGrantResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.PutOption;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * One registration: a key on its own lease, kept alive by a {@link LeaseKeeper} on the registry's
 * scheduler, declared {@link RegistrationState#LOST} at the keeper's deadline (no renewal succeeded
 * for a whole TTL, counted from when the last successful keep-alive was sent) or when etcd says the
 * lease is gone, and registered again by recovery: one attempt at a time, after the {@code Recovery}
 * policy's jittered backoff (100 ms doubling to 5 s by default, so at most one grant, one txn and one
 * revoke per 2.5 s once past the first few). An attempt that etcd refuses for good ({@link
 * Calls#isPermanent}: a grant missing, the user or password refused) ends recovery: the registration
 * stays LOST, and the log names the key and the prefix to grant.
 *
 * <p>All mutable state is guarded by this object's monitor (the keeper's too); etcd calls made from
 * the scheduler are asynchronous so that one slow call never holds up the others.
 */
public final class EtcdRegistration implements Registration {

  private static final System.Logger LOG = System.getLogger(EtcdRegistration.class.getName());

  private final RegistryContext context;
  private final ServiceInstance instance;
  private final String key;
  private final ByteSequence keyBytes;
  private final ByteSequence valueBytes;
  private final Duration requestedTtl;
  private final Consumer<EtcdRegistration> onClosed;
  private final Listeners<RegistrationListener> listeners = new Listeners<>();

  private final LeaseKeeper keeper;
  private RegistrationState state = RegistrationState.ACTIVE;
  /** The revision of this registration's last write of its key: recovery overwrites nothing newer. */
  private long lastWriteRevision;
  private boolean crashed;
  private boolean closing;
  private int recoveryAttempts;
  private ScheduledFuture<?> nextRecovery;
  /** Given to {@link Connectivity#await} while waiting out a backoff after etcd was out of reach. */
  private final Runnable recoverNow = this::recoverNow;

  private EtcdRegistration(RegistryContext context, ServiceInstance instance, Duration requestedTtl,
      Consumer<EtcdRegistration> onClosed) {
    this.context = context;
    this.instance = instance;
    this.key = InstanceCodec.key(context.namespace(), instance);
    this.keyBytes = ByteSequence.from(key, StandardCharsets.UTF_8);
    this.valueBytes = ByteSequence.from(context.encode(instance), StandardCharsets.UTF_8);
    this.requestedTtl = requestedTtl;
    this.onClosed = onClosed;
    this.keeper = new LeaseKeeper(context, this, new LeaseKeeper.Holder() {
      @Override
      public void keepAliveFailed(Throwable failure) {
        context.registrationLog().warn("keep-alive of {} failed, retrying: {}", key, failure.toString());
      }

      @Override
      public void leaseLost(LeaseKeeper.Loss loss, Throwable lastFailure) {
        EtcdRegistration.this.leaseLost(loss, lastFailure);
      }
    });
  }

  /**
   * Grants a lease, puts the key on it and starts keep-alive; blocking, bounded by the call timeout.
   * {@code instance} and {@code ttl} are valid: EtcdRegistry.register checked them at the call.
   */
  public static EtcdRegistration register(RegistryContext context, ServiceInstance instance, Duration ttl,
      Consumer<EtcdRegistration> onClosed) {
    EtcdRegistration registration = new EtcdRegistration(context, instance, ttl, onClosed);
    LeaseKeeper.Leased leased = LeaseKeeper.grantAndPut(context, ttl, registration::put, lease -> registration.key,
        "register " + registration.key);
    synchronized (registration) {
      registration.lastWriteRevision = leased.put().getHeader().getRevision();
      // the first keep-alive is due an interval after the lease's clock started, however long the put took
      registration.keeper.start(leased.leaseId(), leased.ttl(), leased.clockStart());
    }
    return registration;
  }

  private CompletableFuture<PutResponse> put(long lease) {
    return context.client().getKVClient().put(keyBytes, valueBytes, PutOption.builder().withLeaseId(lease).build());
  }

  /**
   * Puts the key on {@code lease} unless someone wrote it after {@code since} (a newer registration
   * of the same id, here or elsewhere): recovery must not overwrite it. An absent key compares as
   * mod revision 0, so a key that expired is written again.
   */
  private CompletableFuture<TxnResponse> putUnlessWrittenSince(long lease, long since) {
    return context.client().getKVClient().txn()
        .If(new Cmp(keyBytes, Cmp.Op.LESS, CmpTarget.modRevision(since + 1)))
        .Then(Op.put(keyBytes, valueBytes, PutOption.builder().withLeaseId(lease).build()))
        .commit();
  }

  /** The full key. */
  public String key() {
    return key;
  }

  /** Whether this registration was made by the registry of {@code other}. */
  boolean belongsTo(RegistryContext other) {
    return context == other;
  }

  /** The lease id now. */
  synchronized long leaseId() {
    return keeper.leaseId();
  }

  @Override
  public ServiceInstance instance() {
    return instance;
  }

  @Override
  public synchronized Duration ttl() {
    return keeper.ttl();
  }

  @Override
  public synchronized RegistrationState state() {
    return state;
  }

  @Override
  public Subscription addListener(RegistrationListener listener) {
    return listeners.add(listener);
  }

  // ------------------------------------------------------------------------------ lease lost, recovery

  /** Under the monitor, from the keeper: the lease counts as lost. */
  private void leaseLost(LeaseKeeper.Loss loss, Throwable lastFailure) {
    if (state != RegistrationState.ACTIVE || closing) {
      return;
    }
    if (crashed) {
      changeState(RegistrationState.LOST); // a killed process recovers nothing
      return;
    }
    if (loss == LeaseKeeper.Loss.GONE) {
      context.registrationLog().warn("lease of {} is gone (etcd answered that it is not found): registration LOST", key);
    } else if (lastFailure != null) {
      context.registrationLog().warn("keep-alive of {} failed for longer than its TTL {} ({}): registration LOST", key,
          keeper.ttl(), lastFailure.toString());
    } else {
      context.registrationLog().warn("no keep-alive of {} succeeded for its TTL {}: registration LOST", key, keeper.ttl());
    }
    lose();
  }

  private void scheduleRecovery(Duration delay) {
    cancelRecovery();
    try {
      nextRecovery = context.scheduler().schedule(this::recoveryTick, Math.max(0, delay.toNanos()), TimeUnit.NANOSECONDS);
    } catch (java.util.concurrent.RejectedExecutionException e) {
      nextRecovery = null; // the registry is closing
    }
  }

  private void cancelRecovery() {
    context.connectivity().stopAwaiting(recoverNow);
    if (nextRecovery != null) {
      nextRecovery.cancel(false);
      nextRecovery = null;
    }
  }

  /**
   * On the scheduler, when another call reached etcd while this registration waited out its backoff:
   * the next attempt starts now instead. Nothing happens unless the wait is still on (its timer not
   * yet fired), so there is never more than one attempt at a time.
   */
  private synchronized void recoverNow() {
    if (state == RegistrationState.LOST && !closing && !crashed && nextRecovery != null
        && nextRecovery.cancel(false)) {
      nextRecovery = null;
      recover();
    }
  }

  private synchronized void recoveryTick() {
    context.connectivity().stopAwaiting(recoverNow);
    if (state == RegistrationState.LOST && !closing && !crashed) {
      recover();
    }
  }

  /** Under the monitor. */
  private void lose() {
    changeState(RegistrationState.LOST);
    recoveryAttempts = 0;
    if (context.recovery() instanceof Recovery.Reregister) {
      scheduleRecovery(Duration.ZERO);
    }
  }

  /**
   * Under the monitor: one asynchronous attempt to register again with a new lease. An attempt that
   * timed out sends no txn any more (jetcd may still complete its grant once etcd is back): a late
   * txn would take the key from the attempt that follows it, then lose it with the revoked lease.
   */
  private void recover() {
    if (!(context.recovery() instanceof Recovery.Reregister)) {
      return;
    }
    if (recoveryAttempts > 0) {
      context.connectivity().retrying();
    }
    long oldLease = keeper.leaseId();
    long since = lastWriteRevision;
    AtomicBoolean abandoned = new AtomicBoolean();
    CompletableFuture<LeaseGrantResponse> grant = context.client().getLeaseClient().grant(requestedTtl.toSeconds());
    Calls.within(grant.thenCompose(g -> {
      long granted = System.nanoTime();
      if (abandoned.get()) {
        return CompletableFuture.failedFuture(new TimeoutException("lease granted after the attempt timed out"));
      }
      return putUnlessWrittenSince(g.getID(), since).thenApply(txn -> new Attempt(g, txn, granted));
    }), context.callTimeout(), context.scheduler())
        .whenCompleteAsync((attempt, failure) -> {
          if (failure != null) {
            abandoned.set(true);
            // An attempt that timed out may still complete: revoke its lease whenever it is granted,
            // so that a late put fails (or its key goes) instead of holding the key on a lease no one renews.
            grant.thenAccept(late -> revokeUnused(late));
          }
          recovered(oldLease, attempt, failure);
        }, context.scheduler());
  }

  /**
   * Revokes a lease of a failed attempt, which holds no key (best effort); if etcd refuses (etcd 3.4
   * checks the user may write the lease's keys), the log says that it is left to its TTL.
   */
  private void revokeUnused(LeaseGrantResponse lease) {
    context.client().getLeaseClient().revoke(lease.getID()).whenComplete((revoked, failure) -> {
      if (failure != null && Calls.isPermanent(failure)) {
        context.registrationLog().warn("lease {} of a failed attempt to register {} again holds no key and is left "
            + "to its TTL of {} s: etcd refused to revoke it ({})", Long.toHexString(lease.getID()), key, lease.getTTL(),
            Calls.unwrap(failure).toString());
      }
    });
  }

  /** A successful grant and the txn after it; {@code grantedNanos} is when the grant's answer came. */
  private record Attempt(LeaseGrantResponse grant, TxnResponse txn, long grantedNanos) {
  }

  private synchronized void recovered(long oldLease, Attempt attempt, Throwable failure) {
    if (failure == null && !attempt.txn().isSucceeded()) {
      revokeUnused(attempt.grant());
      failure = new IllegalStateException("the key was written by another registration since this one's last write "
          + "at revision " + lastWriteRevision + "; not overwriting it (retrying until it is gone)");
    }
    if (failure != null) {
      if (state == RegistrationState.LOST && !closing && !crashed && Calls.isPermanent(failure)) {
        LOG.log(ERROR, "registration " + key + " stays LOST: could not register it again, and retrying cannot fix "
            + "this: " + (Calls.isPermissionDenied(failure) ? context.calls().refusal(key, failure)
                : Calls.unwrap(failure).toString()) + "; register it again once fixed");
      } else if (state == RegistrationState.LOST && !closing && !crashed) {
        recoveryAttempts++;
        Duration delay = backoff();
        context.registrationLog().warn("could not register {} again (attempt {}), next try in {}: {}", key, recoveryAttempts,
            delay, Calls.unwrap(failure).toString());
        scheduleRecovery(delay);
        if (Calls.isUnavailable(failure)) {
          context.connectivity().await(recoverNow); // and start again as soon as any call gets through
        }
      }
      return;
    }
    LeaseGrantResponse grant = attempt.grant();
    if (state != RegistrationState.LOST || closing || crashed) {
      context.client().getLeaseClient().revoke(grant.getID()); // closed meanwhile: undo (best effort)
      return;
    }
    lastWriteRevision = attempt.txn().getHeader().getRevision();
    // The lease's TTL runs from its grant, not from the start of the attempt: an attempt started
    // while etcd was down can take longer than the TTL (jetcd retries the grant until etcd is back),
    // and timing from its start would declare the fresh lease LOST at once.
    keeper.start(grant.getID(), Duration.ofSeconds(grant.getTTL()), attempt.grantedNanos());
    context.client().getLeaseClient().revoke(oldLease); // best effort: it holds no key any more
    LOG.log(INFO, "registered " + key + " again with lease " + Long.toHexString(keeper.leaseId()) + " after losing it");
    changeState(RegistrationState.ACTIVE);
    context.connectivity().answered(); // the others waiting for etcd try again now
  }

  private Duration backoff() {
    Recovery.Reregister policy = (Recovery.Reregister) context.recovery();
    long min = policy.minBackoff().toNanos();
    long max = policy.maxBackoff().toNanos();
    long exponential = recoveryAttempts >= 30 ? max : Math.min(max, min << Math.min(recoveryAttempts, 30));
    long jittered = exponential / 2 + ThreadLocalRandom.current().nextLong(exponential / 2 + 1);
    return Duration.ofNanos(Math.max(min, jittered));
  }

  /** Under the monitor: records the change and tells the listeners, in order, on the events thread. */
  private void changeState(RegistrationState next) {
    RegistrationState previous = state;
    if (previous == next) {
      return;
    }
    state = next;
    listeners.forEach(listener -> {
      try {
        context.events().execute(() -> {
          try {
            listener.stateChanged(this, previous, next);
          } catch (RuntimeException e) {
            LOG.log(WARNING, "registration listener failed", e);
          }
        });
      } catch (java.util.concurrent.RejectedExecutionException e) {
        LOG.log(DEBUG, () -> "registry closed: not telling a listener about " + previous + " -> " + next);
      }
    });
  }

  // ------------------------------------------------------------------------------ test control and close

  /** Stops keep-alive without deleting or revoking; LOST when the lease runs out. */
  synchronized void crash() {
    if (state == RegistrationState.CLOSED) {
      return;
    }
    crashed = true;
    cancelRecovery();
    keeper.crash(); // LOST at the keeper's deadline
  }

  /**
   * Stops keep-alive and turns CLOSED without waiting for etcd; the lease is revoked in the
   * background (not awaited) if etcd answers, else the key goes when the lease runs out. It is the
   * replace step (a newer registration of the same key holds the key now, so revoking ours deletes
   * nothing; the fake's {@code FakeRegistration.retire()}), and how a registry closing while etcd is
   * out of reach lets go of its registrations.
   */
  public void retire() {
    OptionalLong lease;
    synchronized (this) {
      lease = beginClosing();
      if (lease.isPresent()) {
        changeState(RegistrationState.CLOSED);
      }
    }
    if (lease.isPresent()) {
      context.client().getLeaseClient().revoke(lease.getAsLong()); // best effort, not awaited
      onClosed.accept(this);
    }
  }

  /** Under the monitor: stops keep-alive for good and gives the lease to let go of, unless already closing. */
  private OptionalLong beginClosing() {
    if (state == RegistrationState.CLOSED || closing) {
      return OptionalLong.empty();
    }
    closing = true;
    keeper.stop();
    cancelRecovery();
    return OptionalLong.of(keeper.leaseId());
  }

  /**
   * Revokes the lease, which deletes the key in the same revision if it is still on this lease (a
   * newer owner's key, on another lease, is left alone), and turns CLOSED; if etcd cannot be reached,
   * turns CLOSED all the same (keep-alive stops, so the key goes with its lease) and throws. One call,
   * where a get, a compare-and-delete and the revoke took three round trips to do the same.
   */
  @Override
  public void close() {
    long lease;
    synchronized (this) {
      OptionalLong closingLease = beginClosing();
      if (closingLease.isEmpty()) {
        return;
      }
      lease = closingLease.getAsLong();
    }
    try {
      context.calls().call(() -> context.client().getLeaseClient().revoke(lease), "deregister " + key + " (lease revoke)");
    } catch (RegistryException e) {
      if (!Calls.isLeaseNotFound(e.getCause())) { // not found: the lease ran out, and the key went with it
        throw e;
      }
    } finally {
      synchronized (this) {
        changeState(RegistrationState.CLOSED);
      }
      onClosed.accept(this);
    }
  }

  @Override
  public synchronized String toString() {
    return "EtcdRegistration[" + key + ", ttl=" + keeper.ttl() + ", lease=" + Long.toHexString(keeper.leaseId()) + ", "
        + state + "]";
  }
}
