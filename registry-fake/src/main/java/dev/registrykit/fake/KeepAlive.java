package dev.registrykit.fake;

import java.time.Duration;

/**
 * The client side of a lease, written once for registrations and candidacies: a keep-alive every
 * TTL/3 of fake time, as jetcd's; the client's own count of its lease, as EtcdRegistration keeps it
 * (its owner is told when no renewal succeeded for a whole TTL); a crash, after which it sends
 * nothing; and the renewal at once when a fault heals. Under the context's lock.
 */
final class KeepAlive {

  /** What the lease's owner decides at each step. Called under the context's lock. */
  interface Owner {

    /** Whether it has ended (closed, resigned, lost for good): ticks stop. */
    boolean ended();

    /** Whether its lease is meant to be renewed now; a failing keep-alive starts the deadline only then. */
    boolean renewing();

    /** Whether a fault cuts its keep-alive now. */
    boolean cutOff();

    /** Its lease now. */
    Lessor.Lease lease();

    /** A keep-alive reached the server: renew ({@link #renew()}), or react to the lease being gone. */
    void reached();

    /** No renewal succeeded for a whole TTL (called outside the lock, at the clock's time). */
    void deadlinePassed();
  }

  private final FakeContext context;
  private final Duration ttl;
  private final Duration interval;
  private final Owner owner;
  private FakeClock.Timer next;
  private FakeClock.Timer deadline;
  /** A keep-alive failed since the last renewal. */
  private boolean failing;
  private boolean crashed;

  KeepAlive(FakeContext context, Duration ttl, Owner owner) {
    this.context = context;
    this.ttl = ttl;
    this.interval = FakeSettings.keepAliveInterval(ttl);
    this.owner = owner;
  }

  /** The next keep-alive, an interval from now. */
  void schedule() {
    next = context.clock.schedule(context.clock.instant().plus(interval), this::tick);
  }

  /** A renewal succeeded now: the client counts the TTL from here. */
  void renewed() {
    failing = false;
    deadline = cancel(deadline);
    deadline = context.clock.schedule(context.clock.instant().plus(ttl), owner::deadlinePassed);
  }

  /** Renews the owner's lease now, and counts from here. */
  void renew() {
    owner.lease().renew();
    renewed();
  }

  /** Its process dies: no keep-alive any more, and the key stays until the lease runs out. */
  void crash() {
    crashed = true;
    next = cancel(next);
  }

  /** Stops the keep-alive (the deadline keeps counting). */
  void stop() {
    next = cancel(next);
  }

  /** Stops the keep-alive and the deadline. */
  void cancel() {
    next = cancel(next);
    deadline = cancel(deadline);
  }

  /** The deadline alone stops: the owner no longer counts its lease. */
  void cancelDeadline() {
    deadline = cancel(deadline);
  }

  /**
   * When a fault heals: a keep-alive stream that was failing reconnects and renews at once, as
   * jetcd's does, rather than at the next tick (which may come too late for the lease).
   */
  void resume() {
    if (failing && !crashed && owner.renewing() && !owner.cutOff() && owner.lease().alive()) {
      renew();
    }
  }

  private void tick() {
    synchronized (context.lock) {
      if (crashed || owner.ended()) {
        return;
      }
      if (!owner.cutOff()) {
        owner.reached();
      } else if (owner.renewing()) {
        failing = true;
      }
      schedule();
    }
    context.callbacks.deliver();
  }

  private static FakeClock.Timer cancel(FakeClock.Timer timer) {
    if (timer != null) {
      timer.cancel();
    }
    return null;
  }
}
