package dev.registrykit.etcd.internal;

import static java.lang.System.Logger.Level.DEBUG;
import static java.lang.System.Logger.Level.ERROR;
import static java.lang.System.Logger.Level.WARNING;

import dev.registrykit.Candidacy;
import dev.registrykit.CandidacyState;
import dev.registrykit.Election;
import dev.registrykit.Leader;
import dev.registrykit.LeaderListener;
import dev.registrykit.RegistryClosedException;
import dev.registrykit.Subscription;
import dev.registrykit.internal.ElectionRule;
import dev.registrykit.internal.Listeners;
import dev.registrykit.internal.Validation;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import io.etcd.jetcd.options.WatchOption;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An election on etcd, as etcd's concurrency package does it ({@link ElectionRule}): each candidate
 * puts {@code {prefix}{leaseId}} on its own lease; the key with the smallest create revision leads,
 * and that revision is the fencing token. A watch on the prefix re-decides after every change.
 *
 * <p>Listings are made on several threads (campaign, {@link #leader()}, {@link #observe}, the
 * watch's re-decisions) and may come back in any order, so each is applied only if it is not older
 * than the last one applied (its revision is not lower), and a candidacy whose key was created after
 * a listing's revision is not taken for gone by that listing. A listing with a lower revision is
 * applied only if it was sent after the last one was applied: etcd's revision then went back (its
 * data was wiped or restored).
 *
 * <p><b>Retries.</b> A broken watch is closed, the prefix listed (re-deciding), and the watch made
 * again after a {@link Backoff} of 200 ms doubling to 5 s, with jitter: at most one watch and one
 * listing per 2.5 s once past the first few. If etcd refuses the listing for good (a grant of
 * {@code {namespace}-elections/} missing), the watch stops, logs the refusal with the prefix to grant,
 * and is made again only by the next {@link #campaign} or {@link #observe}, which then fail at once
 * with the same refusal.
 */
public final class EtcdElection implements Election {

  private static final System.Logger LOG = System.getLogger(EtcdElection.class.getName());

  private final RegistryContext context;
  private final String name;
  private final String prefix;
  private final ByteSequence prefixBytes;
  private final List<EtcdCandidacy> candidacies = new CopyOnWriteArrayList<>();
  private final Listeners<LeaderListener> observers = new Listeners<>();
  private final RateLimitedLog failureLog = new RateLimitedLog(LOG, Duration.ofSeconds(10));
  /** Numbers the listings in the order they are sent. */
  private final AtomicLong listingsSent = new AtomicLong();
  private Optional<Leader> current = Optional.empty(); // guarded by this
  private long appliedRevision; // guarded by this
  /** How many listings had been sent when the last one was applied. Guarded by this. */
  private long sentBeforeApplied; // guarded by this
  private Watch.Watcher watcher; // guarded by this
  /** Numbers the watch streams; a failure of one that was replaced is ignored. Guarded by this. */
  private long streams; // guarded by this
  /** The pause before watching again after the watch broke. Guarded by this. */
  private final Backoff rewatch = new Backoff(Duration.ofMillis(200), Duration.ofSeconds(5));
  /** The watch waiting out its backoff, if any. Guarded by this. */
  private ScheduledFuture<?> nextWatch; // guarded by this
  private boolean closed; // guarded by this

  /** The election {@code name} under the registry's namespace. */
  public EtcdElection(RegistryContext context, String name) {
    this.context = context;
    this.name = name;
    this.prefix = ElectionRule.prefix(context.namespace(), name);
    this.prefixBytes = ByteSequence.from(prefix, StandardCharsets.UTF_8);
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public Candidacy campaign(String candidateId, Duration ttl) {
    Validation.requireName("candidateId", candidateId);
    Validation.requireTtl(ttl);
    checkOpen("campaign");
    watch();
    String operation = "campaign " + candidateId + " in " + name;
    LeaseKeeper.Leased leased = LeaseKeeper.grantAndPut(context, ttl, lease -> context.client().getKVClient().put(
        ByteSequence.from(keyOf(lease), StandardCharsets.UTF_8), ByteSequence.from(candidateId, StandardCharsets.UTF_8),
        PutOption.builder().withLeaseId(lease).build()), this::keyOf, operation);
    // A fresh key: it was created at the revision of its put.
    EtcdCandidacy candidacy = new EtcdCandidacy(context, this, candidateId, keyOf(leased.leaseId()),
        leased.put().getHeader().getRevision(), leased.leaseId(), leased.ttl());
    candidacy.startKeepAlive(leased.clockStart());
    track(candidacy);
    try {
      decide(list(operation + " (get)"));
    } catch (RuntimeException e) {
      try {
        candidacy.close(); // nothing half-made: resign (or let the lease run out if etcd does not answer)
      } catch (RuntimeException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
    return candidacy;
  }

  /** A candidate's key: the election's prefix and its lease id, so keys sort in campaign order. */
  private String keyOf(long lease) {
    return ElectionRule.candidateKey(prefix, lease);
  }

  @Override
  public Optional<Leader> leader() {
    checkOpen("leader");
    decide(list("leader of " + name));
    synchronized (this) {
      return current;
    }
  }

  @Override
  public Subscription observe(LeaderListener listener) {
    Validation.requireNonNull(listener, "listener");
    checkOpen("observe");
    watch();
    decide(list("observe " + name));
    Listeners.Entry<LeaderListener> observer;
    synchronized (this) {
      observer = observers.add(listener);
      tell(observer, current);
    }
    return observer;
  }

  /** Lists the prefix, blocking, bounded by the call timeout. */
  private Listing list(String operation) {
    long ticket = listingsSent.incrementAndGet();
    return listing(context.calls().call(this::listAsync, operation, prefix), ticket);
  }

  private CompletableFuture<GetResponse> listAsync() {
    return context.client().getKVClient().get(prefixBytes, GetOption.builder().isPrefix(true).build());
  }

  private static Listing listing(GetResponse response, long ticket) {
    List<ElectionRule.Candidate> entries = new ArrayList<>(response.getKvs().size());
    for (KeyValue kv : response.getKvs()) {
      entries.add(new ElectionRule.Candidate(kv.getKey().toString(StandardCharsets.UTF_8),
          kv.getValue().toString(StandardCharsets.UTF_8), kv.getCreateRevision()));
    }
    return new Listing(response.getHeader().getRevision(), ticket, entries);
  }

  /**
   * One listing of the election's prefix.
   *
   * @param revision etcd's revision when it was made
   * @param ticket   its number in the order this election sent its listings
   * @param entries  the candidates' keys
   */
  record Listing(long revision, long ticket, List<ElectionRule.Candidate> entries) {
  }

  /** Numbers a listing about to be sent; for tests that apply listings of their own. */
  long nextTicket() {
    return listingsSent.incrementAndGet();
  }

  /**
   * Re-decides from a listing of the prefix, unless a newer one was applied: who leads, which local
   * candidacies lead or are gone.
   */
  synchronized void decide(Listing listing) {
    if (listing.revision() < appliedRevision) {
      if (listing.ticket() <= sentBeforeApplied) {
        return; // sent before a newer listing was applied: older news
      }
      LOG.log(WARNING, "etcd's revision went back from " + appliedRevision + " to " + listing.revision()
          + " (its data was wiped or restored); election " + name + " goes on from what etcd lists now");
    }
    appliedRevision = listing.revision();
    sentBeforeApplied = listingsSent.get();
    Optional<ElectionRule.Candidate> first = ElectionRule.leader(listing.entries());
    Set<String> present = new HashSet<>();
    for (ElectionRule.Candidate entry : listing.entries()) {
      present.add(entry.key());
    }
    String leaderKey = first.map(ElectionRule.Candidate::key).orElse(null);
    for (EtcdCandidacy candidacy : candidacies) {
      if (!present.contains(candidacy.key())) {
        if (candidacy.createRevision() <= listing.revision()) {
          candidacy.gone(); // else created after this listing, which could not show it
        }
      } else if (candidacy.key().equals(leaderKey)) {
        candidacy.elected(first.get().createRevision());
      }
    }
    Optional<Leader> next = first.map(candidate -> candidate.asLeader(name));
    if (!next.equals(current)) {
      current = next;
      for (Listeners.Entry<LeaderListener> observer : observers.subscriptions()) {
        tell(observer, next);
      }
    }
  }

  /** Who leads after the last listing applied, without asking etcd. */
  synchronized Optional<Leader> lastKnownLeader() {
    return current;
  }

  /** Tells one {@link #observe} subscription on the events thread; silent once closed, even for changes already queued. */
  private void tell(Listeners.Entry<LeaderListener> observer, Optional<Leader> leader) {
    try {
      context.events().execute(() -> {
        if (!observer.isOpen()) {
          return;
        }
        try {
          observer.listener().leaderChanged(leader);
        } catch (RuntimeException e) {
          LOG.log(WARNING, "leader listener of " + name + " failed", e);
        }
      });
    } catch (RejectedExecutionException e) {
      LOG.log(DEBUG, () -> "registry closed: not telling an observer of " + name);
    }
  }

  /**
   * Starts the watch that re-decides after every change of the prefix, unless it runs: at the first
   * campaign or observer, and again at the next one after it was refused for good.
   */
  private synchronized void watch() {
    if (watcher != null || closed) {
      return;
    }
    cancel(nextWatch);
    nextWatch = null;
    long stream = ++streams;
    // jetcd calls the listener holding its own lock, which watch() takes too: never take ours there
    watcher = context.client().getWatchClient().watch(prefixBytes, WatchOption.builder().isPrefix(true).build(),
        Watch.listener(response -> {
          synchronized (this) {
            rewatch.reset();
          }
          redecide();
        }, failure -> onScheduler(() -> broken(stream, failure))));
  }

  /**
   * The watch broke: closes it (else jetcd makes it again every 500 ms on its own, and re-authenticates
   * first after a "permission denied"), lists to re-decide and to learn whether etcd refuses the prefix
   * for good, and then either watches again after a {@link Backoff} or, refused, stops until the next
   * campaign or observer.
   */
  private void broken(long stream, Throwable failure) {
    Watch.Watcher old;
    synchronized (this) {
      if (stream != streams || closed) {
        return;
      }
      old = watcher;
      watcher = null;
    }
    if (old != null) {
      old.close();
    }
    try {
      redecide().whenCompleteAsync((decided, listingFailure) -> afterBreak(failure, listingFailure), context.scheduler());
    } catch (RejectedExecutionException closing) {
      LOG.log(DEBUG, () -> "registry closed: not watching " + name + " again");
    }
  }

  /** On the scheduler: the listing after a break came back ({@code listingFailure} null if it succeeded). */
  private synchronized void afterBreak(Throwable failure, Throwable listingFailure) {
    if (closed || watcher != null) {
      return;
    }
    if (listingFailure != null && Calls.isPermanent(listingFailure)) {
      LOG.log(ERROR, "watch of election " + name + " stopped until the next campaign or observer: "
          + (Calls.isPermissionDenied(listingFailure) ? context.calls().refusal(prefix, listingFailure)
              : Calls.unwrap(listingFailure).toString()) + "; retrying cannot fix this");
      return;
    }
    Duration delay = rewatch.next();
    failureLog.warn("watch of election {} broke ({}); watching again in {} ms", name,
        Calls.unwrap(failure).toString(), delay.toMillis());
    try {
      nextWatch = context.scheduler().schedule(this::watch, delay.toNanos(), TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException closing) {
      LOG.log(DEBUG, () -> "registry closed: not watching " + name + " again");
    }
  }

  private void onScheduler(Runnable task) {
    try {
      context.scheduler().execute(task);
    } catch (RejectedExecutionException closing) {
      LOG.log(DEBUG, () -> "registry closed: dropping a watch callback of " + name);
    }
  }

  private static void cancel(ScheduledFuture<?> future) {
    if (future != null) {
      future.cancel(false);
    }
  }

  /**
   * Lists asynchronously and re-decides on the scheduler: never on the events thread, where a
   * listing that waits for an etcd out of reach would hold back every listener of the registry (a
   * leader's LOST among them). The result completes once decided, or with the listing's failure.
   */
  private CompletableFuture<Void> redecide() {
    long ticket = listingsSent.incrementAndGet();
    CompletableFuture<GetResponse> listing;
    try {
      listing = Calls.within(listAsync(), context.callTimeout(), context.scheduler());
    } catch (RuntimeException e) {
      listing = CompletableFuture.failedFuture(e);
    }
    try {
      return listing.whenCompleteAsync((response, failure) -> {
        if (failure != null) {
          failureLog.warn("could not re-decide election {}: {}", name, Calls.unwrap(failure).toString());
        } else {
          decide(listing(response, ticket));
        }
      }, context.scheduler()).thenApply(response -> null);
    } catch (RejectedExecutionException e) {
      LOG.log(DEBUG, () -> "registry closed: not re-deciding " + name);
      return CompletableFuture.failedFuture(e);
    }
  }

  void forget(EtcdCandidacy candidacy) {
    candidacies.remove(candidacy);
  }

  /** Follows {@code candidacy} in the decisions from now on; for tests that apply listings of their own. */
  void track(EtcdCandidacy candidacy) {
    candidacies.add(candidacy);
  }

  /**
   * An election kept from before its registry closed refuses calls as the registry does, before they
   * reach the registry's stopped threads.
   */
  private synchronized void checkOpen(String operation) {
    if (closed) {
      throw new RegistryClosedException(operation + " refused: this EtcdRegistry is closed");
    }
  }

  /** Refuses later calls, resigns every candidacy and stops watching. */
  public void close() {
    synchronized (this) {
      closed = true;
    }
    for (EtcdCandidacy candidacy : candidacies) {
      try {
        candidacy.close();
      } catch (RuntimeException e) {
        LOG.log(WARNING, "could not resign " + candidacy.candidateId() + " from " + name + " while closing: " + e.getMessage());
      }
    }
    observers.closeAll();
    Watch.Watcher last;
    synchronized (this) {
      cancel(nextWatch);
      nextWatch = null;
      last = watcher;
      watcher = null;
    }
    if (last != null) {
      last.close();
    }
  }

  /** Whether a state means the candidacy is over. */
  static boolean ended(CandidacyState state) {
    return state == CandidacyState.LOST || state == CandidacyState.RESIGNED;
  }
}
