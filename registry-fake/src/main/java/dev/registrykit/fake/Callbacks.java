package dev.registrykit.fake;

import dev.registrykit.InvalidEntry;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Callback delivery: listeners are never called under the lock. Calls are queued under it and run
 * after it is released by whichever thread holds the delivery turn (normally the one whose call
 * caused them; another one delivering at that moment runs them too), one at a time and in order.
 * Notifications that reach the client over a watch stream are held back during an outage.
 */
final class Callbacks {

  private static final System.Logger LOG = System.getLogger(FakeRegistry.class.getName());

  private final FakeContext context;
  /** Callbacks waiting to run. Polled under lock, the delivery turn taken under its own monitor. */
  private final ArrayDeque<Runnable> pending = new ArrayDeque<>();
  /** Watch events and leader changes that happen during an outage, released when it heals. Under lock. */
  private final ArrayDeque<Runnable> held = new ArrayDeque<>();
  private Thread deliveringThread;
  private final List<Throwable> listenerFailures = new CopyOnWriteArrayList<>();

  Callbacks(FakeContext context) {
    this.context = context;
  }

  /** Under lock: queues {@code callback} to run after the lock is released. */
  void queue(Runnable callback) {
    pending.add(callback);
  }

  /**
   * Under lock: queues a notification that reaches this client over a watch stream (a watch event,
   * a leader change). During an outage it is held back, as a broken etcd watch delivers nothing;
   * {@link #releaseHeld()} hands it on when the outage heals, as the watch resumes from its last
   * revision and catches up, in order.
   */
  void toWatchers(Runnable notification) {
    (context.faults.unavailable() ? held : pending).add(notification);
  }

  /** Under lock, during an outage: holds back a watch's event until it heals. */
  void hold(WatchHub.HeldEvent event) {
    held.add(event);
  }

  /** Under lock, once no outage is in force: queues what was held back during it, in order. */
  void releaseHeld() {
    for (Runnable notification : held) {
      if (!(notification instanceof WatchHub.HeldEvent event)) {
        pending.add(notification);
      } else if (!event.watch().relist) {
        event.watch().pass(event.key(), event.event());
      }
    }
    held.clear();
  }

  /** Under lock, when the registry closes: what was held back was for closed watches and observers only. */
  void dropHeld() {
    held.clear();
  }

  /** Exceptions thrown by listeners (logged and otherwise ignored). */
  List<Throwable> listenerFailures() {
    return List.copyOf(listenerFailures);
  }

  /** Tells the invalid-entry listener (not under the lock) about each entry skipped. */
  void report(List<InvalidEntry> invalid) {
    for (InvalidEntry entry : invalid) {
      LOG.log(System.Logger.Level.WARNING, "skipping {0}: {1}", entry.key(), entry.reason());
      try {
        context.settings.invalidEntryListener().invalidEntry(entry);
      } catch (RuntimeException e) {
        listenerFailures.add(e);
        LOG.log(System.Logger.Level.WARNING, "invalid-entry listener failed", e);
      }
    }
  }

  /** Runs the queued callbacks outside the lock, one at a time, in order. */
  void deliver() {
    synchronized (pending) {
      if (deliveringThread != null) {
        return; // the thread delivering now (maybe this one, re-entered from a listener) drains it
      }
      deliveringThread = Thread.currentThread();
    }
    try {
      while (true) {
        Runnable next;
        synchronized (context.lock) {
          next = pending.poll();
        }
        if (next == null) {
          synchronized (pending) {
            synchronized (context.lock) {
              if (pending.isEmpty()) {
                deliveringThread = null;
                return;
              }
            }
          }
          continue;
        }
        try {
          next.run();
        } catch (RuntimeException | Error e) {
          listenerFailures.add(e);
          LOG.log(System.Logger.Level.WARNING, "a registrykit listener failed", e);
        }
      }
    } catch (RuntimeException | Error e) {
      synchronized (pending) {
        deliveringThread = null;
      }
      throw e;
    }
  }
}
