package dev.registrykit.fake;

import dev.registrykit.InvalidEntry;
import dev.registrykit.RegistryEvent;
import dev.registrykit.RegistryListener;
import dev.registrykit.ServiceInstance;
import dev.registrykit.Subscription;
import dev.registrykit.WatchState;
import dev.registrykit.internal.Validation;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * This client's watches: each write the store publishes reaches the watches of its prefix; an outage
 * breaks their streams (they hold back what happens meanwhile), and a compaction or a wipe makes
 * them list again.
 */
final class WatchHub {

  private final FakeContext context;
  /** Under lock. */
  private final List<FakeWatch> watches = new ArrayList<>();

  WatchHub(FakeContext context) {
    this.context = context;
  }

  /** A watch event an outage holds back. */
  record HeldEvent(FakeWatch watch, String key, RegistryEvent event) implements Runnable {
    @Override
    public void run() {
      throw new IllegalStateException("a held event is passed on by its watch, never run");
    }
  }

  /** Lists {@code prefix} (an Added per instance, in revision order), then follows it. */
  Subscription start(String prefix, RegistryListener listener, String call) {
    Validation.requireNonNull(listener, "listener");
    FakeWatch watch = new FakeWatch(context, prefix, listener);
    List<InvalidEntry> invalid = new ArrayList<>();
    synchronized (context.lock) {
      context.checkUsable(call);
      List<Map.Entry<String, Store.Entry>> present = new ArrayList<>(context.store.subMap(prefix).entrySet());
      present.sort(Comparator.comparingLong(e -> e.getValue().modRevision));
      for (Map.Entry<String, Store.Entry> e : present) {
        ServiceInstance instance = Store.instanceOf(e.getKey(), e.getValue(), invalid);
        if (instance != null) {
          watch.enqueue(e.getKey(), new RegistryEvent.Added(instance, e.getValue().modRevision));
        }
      }
      watches.add(watch);
      watch.tell(WatchState.CURRENT); // the listing is delivered
    }
    context.callbacks.report(invalid);
    context.callbacks.deliver();
    return watch;
  }

  /** Under lock: {@code event} of {@code key} reaches the watches whose prefix it is under. */
  void publish(String key, RegistryEvent event) {
    for (FakeWatch watch : watches) {
      if (key.startsWith(watch.prefix)) {
        watch.enqueue(key, event);
      }
    }
  }

  /** Under lock, when an outage starts: every watch stream broke. */
  void streamsBroke() {
    for (FakeWatch watch : watches) {
      watch.tell(WatchState.STALE);
    }
  }

  /** Under lock, once no outage is in force (what was held back is queued already): catch up. */
  void caughtUp() {
    for (FakeWatch watch : watches) {
      watch.held = 0;
      if (watch.relist) {
        watch.relist();
      }
      if (watch.stale) {
        watch.tell(WatchState.CURRENT); // after what it missed
      }
    }
  }

  /** Under lock, after a wipe: every watch lists again, at once or when the outage heals. */
  void wiped() {
    boolean cutOff = context.faults.unavailable();
    for (FakeWatch watch : watches) {
      if (cutOff) {
        watch.relist = true;
      } else {
        watch.relist();
      }
    }
  }

  /** See {@link FakeRegistry#compact()}: a watch that is behind lists again when it can. */
  void compact() {
    synchronized (context.lock) {
      context.checkOpen("compact");
      for (FakeWatch watch : watches) {
        if (watch.held > 0) {
          watch.relist = true;
        }
      }
    }
  }

  /** Under lock, when the registry closes: every watch falls silent. */
  void closeAll() {
    for (FakeWatch watch : watches) {
      watch.open = false;
    }
    watches.clear();
  }

  /** Under lock. */
  void remove(FakeWatch watch) {
    watches.remove(watch);
  }
}
