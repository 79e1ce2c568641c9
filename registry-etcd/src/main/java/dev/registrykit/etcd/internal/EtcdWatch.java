package dev.registrykit.etcd.internal;

import dev.registrykit.RegistryEvent;
import dev.registrykit.RegistryListener;
import dev.registrykit.ServiceInstance;
import dev.registrykit.Subscription;
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
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A watch on one prefix: lists, then watches from the listed revision + 1, and keeps a cache of
 * what the listener has been told so that puts become Added or Updated, deletes Removed, and a
 * resynchronisation (after compaction or a broken stream) emits just the differences.
 *
 * <p>Everything that touches the cache runs on the registry's events thread, in the order jetcd
 * delivered it; events a reconnected stream repeats (revision not above the last one delivered)
 * are skipped.
 */
public final class EtcdWatch implements Subscription {

  private static final Logger LOG = LoggerFactory.getLogger(EtcdWatch.class);

  private final RegistryContext context;
  private final String prefix;
  private final ByteSequence prefixBytes;
  private final RegistryListener listener;
  private final Consumer<EtcdWatch> onClosed;
  private final RateLimitedLog failureLog = new RateLimitedLog(LOG, Duration.ofSeconds(10));
  private final Map<String, Cached> cache = new HashMap<>(); // events thread only
  private long lastRevision; // events thread only
  private int resyncAttempts; // events thread only
  private volatile boolean open = true;
  private volatile Watch.Watcher watcher;

  private record Cached(ServiceInstance instance, long modRevision) {
  }

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
    GetResponse listing = watch.list("watch " + prefix + "* (get)");
    watch.context.events().execute(() -> watch.applyListing(listing, true));
    watch.watchFrom(listing.getHeader().getRevision() + 1);
    return watch;
  }

  private GetResponse list(String operation) {
    return context.calls().await(
        context.client().getKVClient().get(prefixBytes, GetOption.builder().isPrefix(true).build()), operation);
  }

  private void watchFrom(long revision) {
    if (!open) {
      return;
    }
    WatchOption option = WatchOption.builder().isPrefix(true).withRevision(revision).withPrevKV(true).build();
    watcher = context.client().getWatchClient().watch(prefixBytes, option, Watch.listener(
        response -> onEventsThread(() -> apply(response)),
        failure -> onEventsThread(() -> broken(failure)),
        () -> onEventsThread(() -> broken(null))));
    if (!open) {
      watcher.close();
    }
  }

  private void onEventsThread(Runnable task) {
    if (!open) {
      return;
    }
    try {
      context.events().execute(task);
    } catch (RejectedExecutionException e) {
      LOG.debug("registry closed: dropping a watch callback");
    }
  }

  /** Events thread: the first listing (everything Added) or a resync (the differences). */
  private void applyListing(GetResponse listing, boolean initial) {
    long revision = listing.getHeader().getRevision();
    Map<String, Cached> seen = new HashMap<>();
    List<RegistryEvent> events = new ArrayList<>();
    for (KeyValue kv : listing.getKvs()) {
      String key = kv.getKey().toString(StandardCharsets.UTF_8);
      Optional<ServiceInstance> decoded = context.decode(kv);
      if (decoded.isEmpty()) {
        continue;
      }
      ServiceInstance instance = decoded.get();
      seen.put(key, new Cached(instance, kv.getModRevision()));
      Cached before = cache.get(key);
      if (before == null) {
        events.add(new RegistryEvent.Added(instance, kv.getModRevision()));
      } else if (before.modRevision != kv.getModRevision()) {
        events.add(new RegistryEvent.Updated(instance, before.instance, kv.getModRevision()));
      }
    }
    if (!initial) {
      for (Map.Entry<String, Cached> gone : cache.entrySet()) {
        if (!seen.containsKey(gone.getKey())) {
          events.add(new RegistryEvent.Removed(gone.getValue().instance, Math.max(revision, 1)));
        }
      }
    }
    events.sort(Comparator.comparingLong(RegistryEvent::revision));
    cache.clear();
    cache.putAll(seen);
    for (RegistryEvent event : events) {
      emit(event);
    }
    lastRevision = Math.max(lastRevision, revision);
  }

  /** Events thread: one response of the watch stream. */
  private void apply(WatchResponse response) {
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
      Cached before = cache.get(key);
      if (event.getEventType() == WatchEvent.EventType.PUT) {
        Optional<ServiceInstance> decoded = context.decode(kv);
        if (decoded.isPresent()) {
          cache.put(key, new Cached(decoded.get(), revision));
          emit(before == null
              ? new RegistryEvent.Added(decoded.get(), revision)
              : new RegistryEvent.Updated(decoded.get(), before.instance, revision));
        } else if (before != null) {
          cache.remove(key); // overwritten with something that is not an instance
          emit(new RegistryEvent.Removed(before.instance, revision));
        }
      } else if (event.getEventType() == WatchEvent.EventType.DELETE && before != null) {
        cache.remove(key);
        emit(new RegistryEvent.Removed(before.instance, revision));
      }
    }
    lastRevision = highest;
    resyncAttempts = 0;
  }

  /** Events thread: the stream failed for good (compaction, or jetcd gave up): list again, then watch on. */
  private void broken(Throwable failure) {
    if (!open) {
      return;
    }
    Watch.Watcher old = watcher;
    if (old != null) {
      old.close();
    }
    failureLog.warn("watch of {}* broke ({}); listing again to resynchronise", prefix,
        failure == null ? "stream completed" : Calls.unwrap(failure).toString());
    resync();
  }

  private void resync() {
    if (!open) {
      return;
    }
    try {
      GetResponse listing = list("watch " + prefix + "* (resync)");
      applyListing(listing, false);
      resyncAttempts = 0;
      watchFrom(listing.getHeader().getRevision() + 1);
    } catch (RuntimeException e) {
      resyncAttempts++;
      long delayMillis = Math.min(5_000, 100L << Math.min(resyncAttempts, 6));
      failureLog.warn("resync of watch {}* failed (attempt {}), next in {} ms: {}", prefix, resyncAttempts,
          delayMillis, e.getMessage());
      try {
        context.scheduler().schedule(() -> onEventsThread(this::resync), delayMillis, TimeUnit.MILLISECONDS);
      } catch (RejectedExecutionException closing) {
        LOG.debug("registry closed: no more resync of {}", prefix);
      }
    }
  }

  private void emit(RegistryEvent event) {
    if (!open) {
      return;
    }
    try {
      listener.onEvent(event);
    } catch (RuntimeException e) {
      LOG.warn("watch listener failed on {}", event, e);
    }
  }

  @Override
  public void close() {
    if (!open) {
      return;
    }
    open = false;
    Watch.Watcher current = watcher;
    if (current != null) {
      current.close();
    }
    onClosed.accept(this);
  }
}
