package dev.registrykit.fake;

import dev.registrykit.RegistryEvent;
import dev.registrykit.RegistryListener;
import dev.registrykit.ServiceInstance;
import dev.registrykit.Subscription;
import dev.registrykit.WatchState;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/** One watch of a prefix, and what it has passed on to its listener. */
final class FakeWatch implements Subscription {

  private final FakeContext context;
  final String prefix;
  private final RegistryListener listener;
  volatile boolean open = true;
  /** What this watch has passed on to its listener (delivered or queued), by key. Under lock. */
  private final TreeMap<String, Known> known = new TreeMap<>();
  /** How many of its events an outage holds back now. Under lock. */
  int held;
  /** It cannot resume where it stopped (compacted, wiped): it lists again when it can. Under lock. */
  boolean relist;
  /** It told its listener {@link WatchState#STALE} last. Under lock. */
  boolean stale;

  FakeWatch(FakeContext context, String prefix, RegistryListener listener) {
    this.context = context;
    this.prefix = prefix;
    this.listener = listener;
  }

  /** An instance a watch has passed on: its value, and the revision and epoch of that value's write. */
  private record Known(ServiceInstance instance, long modRevision, long epoch) {
  }

  /**
   * Under lock: queues {@code event} of {@code key} for delivery; during an outage holds it back, as
   * a broken etcd watch delivers nothing (or drops it if this watch will list again anyway).
   */
  void enqueue(String key, RegistryEvent event) {
    if (context.faults.unavailable()) {
      if (!relist) {
        held++;
        context.callbacks.hold(new WatchHub.HeldEvent(this, key, event));
      }
      return;
    }
    pass(key, event);
  }

  /** Under lock: records {@code event} as passed on and queues its delivery. */
  void pass(String key, RegistryEvent event) {
    if (event instanceof RegistryEvent.Removed) {
      known.remove(key);
    } else {
      known.put(key, new Known(event.instance(), event.revision(), context.store.epoch()));
    }
    context.callbacks.queue(() -> {
      if (open) {
        listener.onEvent(event);
      }
    });
  }

  /** Under lock: queues a state change for delivery, in order with the events. */
  void tell(WatchState state) {
    stale = state == WatchState.STALE;
    context.callbacks.queue(() -> {
      if (open) {
        listener.onStateChange(state);
      }
    });
  }

  /**
   * Under lock: lists the store again, as a watch that cannot resume from its revision does, and
   * passes on the differences from what it last passed on, in key order, at the current revision:
   * nothing for an instance that came and went meanwhile.
   */
  void relist() {
    relist = false;
    held = 0;
    long epoch = context.store.epoch();
    long revision = context.store.revision();
    TreeMap<String, ServiceInstance> now = new TreeMap<>();
    TreeMap<String, Store.Entry> entries = new TreeMap<>();
    for (Map.Entry<String, Store.Entry> e : context.store.subMap(prefix).entrySet()) {
      if (e.getValue().instance != null) {
        now.put(e.getKey(), e.getValue().instance);
        entries.put(e.getKey(), e.getValue());
      }
    }
    // As EtcdWatch resynchronises: Added and Updated at the write's own revision, Removed at the
    // listing's, in revision order (ties in key order); Updated only where the instance changed.
    TreeSet<String> keys = new TreeSet<>(known.keySet());
    keys.addAll(now.keySet());
    List<Map.Entry<String, RegistryEvent>> differences = new ArrayList<>();
    for (String key : keys) {
      Known before = known.get(key);
      Store.Entry after = entries.get(key);
      if (before == null) {
        differences.add(Map.entry(key, new RegistryEvent.Added(after.instance, after.modRevision)));
        known.put(key, new Known(after.instance, after.modRevision, epoch));
      } else if (after == null) {
        differences.add(Map.entry(key, new RegistryEvent.Removed(before.instance, revision)));
      } else if (before.modRevision != after.modRevision || before.epoch != epoch) {
        if (!before.instance.equals(after.instance)) {
          differences.add(Map.entry(key, new RegistryEvent.Updated(after.instance, before.instance, after.modRevision)));
        }
        known.put(key, new Known(after.instance, after.modRevision, epoch));
      }
    }
    differences.sort(Comparator.comparingLong(e -> e.getValue().revision()));
    for (Map.Entry<String, RegistryEvent> difference : differences) {
      pass(difference.getKey(), difference.getValue());
    }
  }

  @Override
  public void close() {
    open = false;
    synchronized (context.lock) {
      context.watches.remove(this);
    }
  }
}
