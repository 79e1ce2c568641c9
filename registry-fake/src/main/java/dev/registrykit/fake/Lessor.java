package dev.registrykit.fake;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The "server"'s leases, as etcd's lessor keeps them: each with its TTL, its keys and its expiry;
 * expiry checks every {@linkplain FakeSettings#expiryCheckInterval() interval} (scheduled on the
 * {@link FakeClock}) remove the leases that ran out, and a leader change renews every lease.
 */
final class Lessor {

  /** Below this many seconds, two durations' sum in nanoseconds fits in a long. */
  private static final long LONG_NANOS_SECONDS = 4_000_000_000L;

  private final FakeContext context;
  /** Under lock, as everything here. */
  private final Map<Long, Lease> leases = new LinkedHashMap<>();
  private long nextLeaseId = 1;
  /** Counts renewals, so that leases expiring at one check go in the order they were renewed. */
  private long renewals;
  /** Pending expiry checks by instant, each with the leases due at it. */
  private final TreeMap<Instant, Check> checks = new TreeMap<>();

  Lessor(FakeContext context) {
    this.context = context;
  }

  /** Grants a lease of {@code ttl} (granted already), running from now. Under lock. */
  Lease grant(Duration ttl) {
    Lease lease = new Lease(nextLeaseId++, ttl);
    leases.put(lease.id, lease);
    lease.renew();
    return lease;
  }

  /** The lease of this id, or null. Under lock. */
  Lease get(long id) {
    return leases.get(id);
  }

  /** Whether the server has a lease of this id. */
  boolean has(long id) {
    synchronized (context.lock) {
      return leases.containsKey(id);
    }
  }

  /** Revokes a lease: its keys go in one revision, as in etcd. Under lock. */
  void revoke(Lease lease) {
    if (!lease.alive()) {
      return;
    }
    leases.remove(lease.id);
    lease.leaveCheck();
    if (!lease.keys.isEmpty()) {
      context.store.nextRevision();
      for (String key : new ArrayList<>(lease.keys)) {
        context.store.delete(key);
      }
    }
  }

  /** See {@link FakeRegistry#changeLeader()}. */
  void changeLeader() {
    synchronized (context.lock) {
      context.checkOpen("changeLeader");
      promote();
    }
    context.callbacks.deliver();
  }

  /** Under lock: renews every lease to its TTL plus the election timeout from now, as etcd's {@code Promote}. */
  void promote() {
    Instant now = context.clock.instant();
    for (Lease lease : leases.values()) {
      lease.renewUntil(now.plus(lease.ttl).plus(context.settings.electionTimeout()));
    }
  }

  /** Under lock, when etcd's data is wiped: every lease is gone at once. */
  void clear() {
    for (Lease lease : leases.values()) {
      lease.leaveCheck();
    }
    leases.clear();
  }

  /** The first expiry check at or after {@code expiry}. */
  private Instant checkAt(Instant expiry) {
    Duration interval = context.settings.expiryCheckInterval();
    FakeClock clock = context.clock;
    if (interval.isZero()) {
      return expiry;
    }
    Duration between = Duration.between(clock.start(), expiry);
    if (between.getSeconds() >= LONG_NANOS_SECONDS || interval.getSeconds() >= LONG_NANOS_SECONDS) {
      // a TTL of up to etcd's 285 years, years after the clock started: past what a long of nanoseconds holds
      Duration checks = interval.multipliedBy(between.dividedBy(interval));
      Instant check = clock.start().plus(checks);
      return check.isBefore(expiry) ? check.plus(interval) : check;
    }
    long nanos = interval.toNanos();
    long since = between.toNanos();
    long checks = Math.floorDiv(since, nanos) + (Math.floorMod(since, nanos) == 0 ? 0 : 1);
    return clock.start().plusNanos(checks * nanos);
  }

  /** A lease on the "server". Guarded by the registry's lock. */
  final class Lease {
    final long id;
    final Duration ttl;
    final Set<String> keys = new LinkedHashSet<>();
    Instant expiresAt;
    long renewal;
    Check check;
    FakeRegistration owner;

    Lease(long id, Duration ttl) {
      this.id = id;
      this.ttl = ttl;
    }

    /** Pushes expiry to now + ttl, as a keep-alive does. */
    void renew() {
      renewUntil(context.clock.instant().plus(ttl));
    }

    /** Sets the expiry and joins the expiry check that will remove the lease if it is not renewed. */
    void renewUntil(Instant expiry) {
      expiresAt = expiry;
      renewal = renewals++;
      Instant due = checkAt(expiry);
      if (check != null && check.due.equals(due)) {
        return;
      }
      leaveCheck();
      check = checks.computeIfAbsent(due, Check::new);
      check.leases.add(this);
    }

    void leaveCheck() {
      if (check != null) {
        check.leases.remove(this);
        if (check.leases.isEmpty()) {
          check.timer.cancel();
          checks.remove(check.due, check);
        }
        check = null;
      }
    }

    /** Whether the server still has this lease. */
    boolean alive() {
      return leases.get(id) == this;
    }

    /** Under lock: the lease ran out; its keys go in one revision and its owner learns it. */
    void expire() {
      revoke(this);
      if (owner != null && owner.lease == this) {
        owner.leaseExpired();
      }
    }
  }

  /** One expiry check of the lessor, at {@link #due}: removes the leases that ran out by then. */
  private final class Check {
    final Instant due;
    final Set<Lease> leases = new LinkedHashSet<>();
    final FakeClock.Timer timer;

    Check(Instant due) {
      this.due = due;
      this.timer = context.clock.schedule(due, this::run);
    }

    private void run() {
      synchronized (context.lock) {
        if (checks.get(due) != this) {
          return;
        }
        checks.remove(due);
        List<Lease> expiring = new ArrayList<>(leases);
        leases.clear();
        for (Lease lease : expiring) {
          lease.check = null;
        }
        if (context.faults.down()) {
          return; // no server runs to expire them; the leader elected when it heals renews them all
        }
        expiring.sort(Comparator.comparing((Lease l) -> l.expiresAt).thenComparingLong(l -> l.renewal));
        for (Lease lease : expiring) {
          if (lease.alive() && !lease.expiresAt.isAfter(context.clock.instant())) {
            lease.expire();
          }
        }
      }
      context.callbacks.deliver();
    }
  }
}
