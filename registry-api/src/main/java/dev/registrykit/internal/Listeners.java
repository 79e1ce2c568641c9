package dev.registrykit.internal;

import dev.registrykit.Subscription;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Listeners in the order they were added, each with the {@link Subscription} that removes it: the one
 * list behind every {@code addListener} and {@code observe} of both registries and of the caches.
 * Thread-safe without a lock of its own: adding, closing and iterating may happen on any thread, and
 * an iteration sees the listeners subscribed when it started, skipping any closed meanwhile.
 *
 * @param <L> the listener type
 */
public final class Listeners<L> {

  private final List<Entry<L>> entries = new CopyOnWriteArrayList<>();

  /**
   * Subscribes {@code listener} (again, if it is there already: each subscription is one call per
   * notification, and closing it removes that one).
   *
   * @return the subscription, whose {@link Entry#close()} removes it
   * @throws NullPointerException if {@code listener} is null ("listener must not be null")
   */
  public Entry<L> add(L listener) {
    Entry<L> entry = new Entry<>(this, Validation.requireNonNull(listener, "listener"));
    entries.add(entry);
    return entry;
  }

  /** Calls {@code action} with each listener subscribed now, in order, unless closed before it is reached. */
  public void forEach(Consumer<? super L> action) {
    for (Entry<L> entry : entries) {
      if (entry.open) {
        action.accept(entry.listener);
      }
    }
  }

  /**
   * Each subscription now, in order: for a notification delivered later, which should reach only a
   * subscription still {@linkplain Entry#isOpen() open} by then.
   */
  public List<Entry<L>> subscriptions() {
    return List.copyOf(entries);
  }

  /** Closes every subscription: none hears anything from now on, even what was already queued for it. */
  public void closeAll() {
    for (Entry<L> entry : entries) {
      entry.close();
    }
  }

  /** Whether no listener is subscribed. */
  public boolean isEmpty() {
    return entries.isEmpty();
  }

  /**
   * One listener's subscription.
   *
   * @param <L> the listener type
   */
  public static final class Entry<L> implements Subscription {
    private final Listeners<L> owner;
    private final L listener;
    private volatile boolean open = true;

    private Entry(Listeners<L> owner, L listener) {
      this.owner = owner;
      this.listener = listener;
    }

    /** The listener. */
    public L listener() {
      return listener;
    }

    /** Whether it is still subscribed. */
    public boolean isOpen() {
      return open;
    }

    /** Removes the listener; idempotent. */
    @Override
    public void close() {
      open = false;
      owner.entries.remove(this);
    }
  }
}
