package dev.registrykit.etcd.internal;

import static java.lang.System.Logger.Level.DEBUG;
import static java.lang.System.Logger.Level.ERROR;
import static java.lang.System.Logger.Level.WARNING;

import dev.registrykit.RegistryEvent;
import dev.registrykit.RegistryListener;
import dev.registrykit.ServiceInstance;
import dev.registrykit.Subscription;
import dev.registrykit.WatchState;
import dev.registrykit.internal.Resync;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
import io.etcd.jetcd.watch.WatchResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A watch on one prefix: lists, then watches from the listed revision + 1, and keeps a cache of
 * what the listener has been told so that puts become Added or Updated, deletes Removed, and a
 * resynchronisation (after compaction, a broken stream, or etcd's revision going backwards because
 * its data was wiped or restored) emits just the differences.
 *
 * <p>Everything that touches the cache runs on the registry's events thread, in the order jetcd
 * delivered it, and never blocks it: a resync lists asynchronously. Each stream is a generation;
 * callbacks of a stream that was replaced (closing it makes jetcd call {@code onCompleted}) are
 * ignored, so one break leads to one resync and one new stream. Events a stream repeats (revision
 * not above the last one delivered) are skipped.
 *
 * <p><b>Retries.</b> The first break of a stream that etcd had confirmed lists again at once; every
 * later attempt (a listing that failed, or a stream that broke before etcd confirmed it) waits a
 * {@link Backoff} of 200 ms doubling to 5 s, with jitter: at most one listing and one watch per 2.5 s
 * once past the first few. A listing refused for good ({@link Calls#isPermanent}: a grant missing, a
 * user or password etcd does not accept) stops the watch: it stays {@link WatchState#STALE}, logs the
 * refusal with the prefix to grant, and calls etcd no more until closed.
 */
public final class EtcdWatch implements Subscription {

  private static final System.Logger LOG = System.getLogger(EtcdWatch.class.getName());

  private final RegistryContext context;
  private final String prefix;
  private final ByteSequence prefixBytes;
  private final RegistryListener listener;
  private final Consumer<EtcdWatch> onClosed;
  private final RateLimitedLog failureLog = new RateLimitedLog(LOG, Duration.ofSeconds(10));
  private final Map<String, Resync.Known> cache = new TreeMap<>(); // events thread only; key order
  private long lastRevision; // events thread only
  /** The pause before the next listing after a failed one or a stream etcd did not confirm. Events thread only. */
  private final Backoff backoff = new Backoff(Duration.ofMillis(200), Duration.ofSeconds(5));
  /** A listing was refused for good: no more calls. Set on the events thread. */
  private volatile boolean refused;
  /** Bumped for each new stream and each resync; callbacks of older streams are ignored. Events thread only. */
  private long generation;
  private boolean resyncing; // events thread only
  /** It told its listener {@link WatchState#STALE} last. Events thread only. */
  private boolean stale;
  /** etcd confirmed the current stream (its created notification arrived). Events thread only. */
  private boolean created;
  /** The resync waiting out its backoff, if any. Events thread only. */
  private ScheduledFuture<?> nextResync;
  /** Given to {@link Connectivity#await} while a resync waits out its backoff after etcd was out of reach. */
  private final Runnable resyncNow = this::resyncNow;
  private volatile boolean open = true;
  private volatile Watch.Watcher watcher;

  private EtcdWatch(RegistryContext context, String prefix, RegistryListener listener, Consumer<EtcdWatch> onClosed) {
    this.context = context;
    this.prefix = prefix;
    this.prefixBytes = ByteSequence.from(prefix, StandardCharsets.UTF_8);
    this.listener = listener;
    this.onClosed = onClosed;
  }

  /** Lists the prefix (blocking, bounded), queues an Added per instance, and starts watching. */
  public static EtcdWatch start(RegistryContext context, String prefix, RegistryListener listener,
      Consumer<EtcdWatch> onClosed) {
    EtcdWatch watch = new EtcdWatch(context, prefix, listener, onClosed);
    GetResponse listing = context.calls().call(() -> watch.listAsync(), "watch " + prefix + "* (get)", prefix);
    watch.context.events().execute(() -> {
      watch.applyListing(listing, true);
      watch.tell(WatchState.CURRENT);
      watch.watchFrom(listing.getHeader().getRevision() + 1);
    });
    return watch;
  }

  private CompletableFuture<GetResponse> listAsync() {
    return context.client().getKVClient().get(prefixBytes, GetOption.builder().isPrefix(true).build());
  }

  /** Events thread: a new stream from {@code revision}, the only one whose callbacks count from now on. */
  private void watchFrom(long revision) {
    if (!open) {
      return;
    }
    long stream = ++generation;
    created = false;
    WatchOption option = WatchOption.builder().isPrefix(true).withRevision(revision).withPrevKV(true)
        .withCreateNotify(true).build();
    watcher = context.client().getWatchClient().watch(prefixBytes, option, Watch.listener(
        response -> onEventsThread(() -> {
          if (stream == generation) {
            apply(response, revision);
          }
        }),
        failure -> onEventsThread(() -> {
          if (stream == generation) {
            if (Calls.isUnavailable(failure)) {
              toStale(); // etcd out of reach: what the listener knows may be out of date from now on
            }
            broken(Calls.unwrap(failure).toString());
          }
        }),
        () -> onEventsThread(() -> {
          if (stream == generation) {
            broken("stream completed");
          }
        })));
    if (!open) {
      watcher.close();
      return;
    }
    awaitCreated(stream);
  }

  /**
   * A stream asked for while the connection is down waits for it without a word (jetcd's calls wait
   * for a connection): if etcd has not confirmed stream {@code stream} within the call timeout, the
   * watch is stale, and is treated as broken (it lists again when it can).
   */
  private void awaitCreated(long stream) {
    try {
      context.scheduler().schedule(() -> onEventsThread(() -> {
        if (open && stream == generation && !created) {
          toStale();
          broken("etcd did not confirm the watch within " + context.callTimeout());
        }
      }), context.callTimeout().toMillis(), TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException closing) {
      LOG.log(DEBUG, () -> "registry closed: no check of the watch stream of " + prefix);
    }
  }

  private void onEventsThread(Runnable task) {
    if (!open) {
      return;
    }
    try {
      context.events().execute(task);
    } catch (RejectedExecutionException e) {
      LOG.log(DEBUG, "registry closed: dropping a watch callback");
    }
  }

  /**
   * Events thread: the first listing (everything Added) or a resync (the differences: Added,
   * Removed, and Updated where the instance changed; {@link Resync#differences}).
   */
  private void applyListing(GetResponse listing, boolean initial) {
    long revision = listing.getHeader().getRevision();
    if (!initial && revision < lastRevision) {
      LOG.log(WARNING, "etcd's revision went back from " + lastRevision + " to " + revision + " (its data was wiped or "
          + "restored); watch of " + prefix + "* emits the differences with what etcd lists now and goes on from there");
    }
    Map<String, Resync.Known> listed = new TreeMap<>();
    for (KeyValue kv : listing.getKvs()) {
      Optional<ServiceInstance> decoded = context.decode(kv);
      if (decoded.isPresent()) {
        listed.put(kv.getKey().toString(StandardCharsets.UTF_8), new Resync.Known(decoded.get(), kv.getModRevision()));
      }
    }
    // the first listing follows an empty cache: everything in it is Added
    List<Resync.Difference> differences = Resync.differences(cache, listed, Math.max(revision, 1));
    context.listed(prefix, listing.getKvs());
    cache.clear();
    cache.putAll(listed);
    for (Resync.Difference difference : differences) {
      emit(difference.event());
    }
    lastRevision = revision; // not the max: after a wipe, revisions start again
  }

  /** Events thread: one response of the stream started at {@code startRevision}. */
  private void apply(WatchResponse response, long startRevision) {
    if (response.isCreatedNotify()) {
      created = true;
      backoff.reset(); // etcd took the stream: the next break lists again at once
      long now = response.getHeader().getRevision();
      if (now < startRevision - 1) {
        // etcd is behind the listing this stream follows: it lost its data between the two, and
        // the stream would wait silently for a revision that its new history may reach much later.
        broken("etcd's revision " + now + " is behind the listed revision " + (startRevision - 1));
      }
      return;
    }
    long floor = lastRevision;
    long highest = floor;
    for (WatchEvent event : response.getEvents()) {
      KeyValue kv = event.getKeyValue();
      long revision = kv.getModRevision();
      if (revision <= floor) {
        continue; // repeated by a reconnected stream
      }
      highest = Math.max(highest, revision);
      String key = kv.getKey().toString(StandardCharsets.UTF_8);
      Resync.Known before = cache.get(key);
      if (event.getEventType() == WatchEvent.EventType.PUT) {
        Optional<ServiceInstance> decoded = context.decode(kv);
        if (decoded.isPresent()) {
          cache.put(key, new Resync.Known(decoded.get(), revision));
          emit(before == null
              ? new RegistryEvent.Added(decoded.get(), revision)
              : new RegistryEvent.Updated(decoded.get(), before.instance(), revision));
        } else if (before != null) {
          cache.remove(key); // overwritten with something that is not an instance
          emit(new RegistryEvent.Removed(before.instance(), revision));
        }
      } else if (event.getEventType() == WatchEvent.EventType.DELETE) {
        context.deleted(key);
        if (before != null) {
          cache.remove(key);
          emit(new RegistryEvent.Removed(before.instance(), revision));
        }
      }
    }
    lastRevision = highest;
  }

  /**
   * Events thread: the stream failed (compaction, etcd out of reach, its history lost): stop
   * listening to it, list again asynchronously, emit the differences, then watch on from the listing.
   */
  private void broken(String why) {
    if (!open || resyncing) {
      return;
    }
    resyncing = true;
    generation++; // whatever the old stream still says (closing it calls onCompleted) is ignored
    Watch.Watcher old = watcher;
    if (old != null) {
      old.close(); // else jetcd would make the stream again every 500 ms on its own
    }
    if (backoff.attempts() == 0) {
      failureLog.warn("watch of {}* broke ({}); listing again to resynchronise", prefix, why);
      backoff.next();
      resync();
    } else { // it broke again before etcd confirmed it: wait, as after a failed listing
      Duration delay = backoff.next();
      failureLog.warn("watch of {}* broke again ({}); listing again in {} ms", prefix, why, delay.toMillis());
      scheduleResync(delay);
    }
  }

  /** Any thread: one asynchronous listing attempt; its outcome is handled on the events thread. */
  private void resync() {
    if (!open || refused) {
      return;
    }
    CompletableFuture<GetResponse> listing;
    try {
      listing = Calls.within(listAsync(), context.callTimeout(), context.scheduler());
    } catch (RuntimeException e) {
      listing = CompletableFuture.failedFuture(e);
    }
    listing.whenComplete((response, failure) -> onEventsThread(() -> resynced(response, failure)));
  }

  private void resynced(GetResponse listing, Throwable failure) {
    if (!open) {
      return;
    }
    if (failure == null) {
      if (backoff.attempts() > 1) {
        context.connectivity().answered(); // etcd is back: the others waiting for it try again now
      }
      resyncing = false;
      applyListing(listing, false);
      if (stale) {
        tell(WatchState.CURRENT); // after the differences
      }
      watchFrom(listing.getHeader().getRevision() + 1);
      return;
    }
    toStale();
    if (Calls.isPermanent(failure)) {
      refused = true;
      LOG.log(ERROR, "watch of " + prefix + "* stopped, STALE until closed: "
          + (Calls.isPermissionDenied(failure) ? context.calls().refusal(prefix, failure) : Calls.unwrap(failure))
          + "; retrying cannot fix this, so it calls etcd no more (watch again once fixed)");
      return;
    }
    Duration delay = backoff.next();
    failureLog.warn("resync of watch {}* failed (attempt {}), next in {} ms: {}", prefix, backoff.attempts(),
        delay.toMillis(), Calls.unwrap(failure).toString());
    scheduleResync(delay);
    if (Calls.isUnavailable(failure)) {
      context.connectivity().await(resyncNow); // and start again as soon as any call gets through
    }
  }

  /** Events thread: the next listing in {@code delay}. */
  private void scheduleResync(Duration delay) {
    try {
      nextResync = context.scheduler().schedule(this::resyncAfterBackoff, delay.toNanos(), TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException closing) {
      LOG.log(DEBUG, () -> "registry closed: no more resync of " + prefix);
    }
  }

  private void resyncAfterBackoff() {
    context.connectivity().stopAwaiting(resyncNow);
    context.connectivity().retrying();
    resync();
  }

  /**
   * When another call reached etcd while this watch waited out its backoff: the next listing starts
   * now instead, unless the wait is already over (its timer fired), so one listing runs at a time.
   */
  private void resyncNow() {
    onEventsThread(() -> {
      ScheduledFuture<?> pending = nextResync;
      if (open && pending != null && pending.cancel(false)) {
        nextResync = null;
        resync();
      }
    });
  }

  /** Events thread: tells the listener the watch cannot follow etcd now, unless it already did. */
  private void toStale() {
    if (!stale) {
      tell(WatchState.STALE);
    }
  }

  /** Events thread: a state change, in order with the events. */
  private void tell(WatchState state) {
    stale = state == WatchState.STALE;
    if (!open) {
      return;
    }
    try {
      listener.onStateChange(state);
    } catch (RuntimeException e) {
      LOG.log(WARNING, "watch listener failed on " + state, e);
    }
  }

  private void emit(RegistryEvent event) {
    if (!open) {
      return;
    }
    try {
      listener.onEvent(event);
    } catch (RuntimeException e) {
      LOG.log(WARNING, "watch listener failed on " + event, e);
    }
  }

  @Override
  public void close() {
    if (!open) {
      return;
    }
    open = false;
    context.connectivity().stopAwaiting(resyncNow);
    Watch.Watcher current = watcher;
    if (current != null) {
      current.close();
    }
    onClosed.accept(this);
  }
}
