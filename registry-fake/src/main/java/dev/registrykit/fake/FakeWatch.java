package dev.registrykit.fake;

import dev.registrykit.RegistryEvent;
import dev.registrykit.RegistryListener;
import dev.registrykit.Subscription;
import dev.registrykit.WatchState;
import dev.registrykit.internal.Resync;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** One watch of a prefix, and what it has passed on to its listener. */
final class FakeWatch implements Subscription {

  private final FakeContext context;
  final String prefix;
  private final RegistryListener listener;
  volatile boolean open = true;
  /** What this watch has passed on to its listener (delivered or queued), by key. Under lock. */
  private final TreeMap<String, Resync.Known> known = new TreeMap<>();
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
      known.put(key, new Resync.Known(event.instance(), event.revision()));
    }
    deliver(event);
  }

  /** Under lock: queues the delivery of {@code event}. */
  private void deliver(RegistryEvent event) {
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
   * passes on the differences from what it last passed on, as EtcdWatch resynchronises ({@link
   * Resync#differences}), Removed at the current revision: nothing for an instance that came and
   * went meanwhile.
   */
  void relist() {
    relist = false;
    held = 0;
    TreeMap<String, Resync.Known> listed = new TreeMap<>();
    for (Map.Entry<String, Store.Entry> e : context.store.subMap(prefix).entrySet()) {
      if (e.getValue().instance != null) {
        listed.put(e.getKey(), new Resync.Known(e.getValue().instance, e.getValue().modRevision));
      }
    }
    List<Resync.Difference> differences = Resync.differences(known, listed, context.store.revision());
    known.clear();
    known.putAll(listed);
    for (Resync.Difference difference : differences) {
      deliver(difference.event());
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
