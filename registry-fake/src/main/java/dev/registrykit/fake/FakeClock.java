package dev.registrykit.fake;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A clock that moves only when a test says so. {@link #advance(Duration)} and {@link #set(Instant)}
 * run, on the calling thread and before they return, everything that falls due in between (lease
 * renewals and expiries of every {@link FakeRegistry} on this clock), in order of due time, then of
 * scheduling. While a due task runs, {@link #instant()} reads its due time, so what it records is
 * stamped with the instant it was due, not the end of the advance.
 *
 * <pre>{@code
 * FakeClock clock = FakeClock.create();
 * FakeRegistry registry = FakeRegistry.builder().withClock(clock).build();
 * clock.advance(Duration.ofSeconds(31)); // expires whatever was due, right here
 * }</pre>
 *
 * <p>Thread-safe: reads are lock-free; advances from several threads run one after the other. A
 * due task (or a listener it calls) may itself advance the clock; the outer advance then goes on
 * from the later instant and never moves time back.
 */
public final class FakeClock extends Clock implements InstantSource {

  /** The instant a clock from {@link #create()} starts at: 2026-01-01T00:00:00Z. */
  public static final Instant DEFAULT_START = Instant.parse("2026-01-01T00:00:00Z");

  private final ReentrantLock advancing = new ReentrantLock();
  private final Object queueLock = new Object();
  private final PriorityQueue<Timer> timers = new PriorityQueue<>();
  private final Instant start;
  private volatile Instant now;
  private long sequence;
  private int cancelled; // guarded by queueLock: cancelled timers still in the queue

  private FakeClock(Instant start) {
    this.now = Objects.requireNonNull(start, "start must not be null");
    this.start = start;
  }

  /** A clock at {@link #DEFAULT_START}. */
  public static FakeClock create() {
    return startingAt(DEFAULT_START);
  }

  /** A clock at {@code start}. */
  public static FakeClock startingAt(Instant start) {
    return new FakeClock(start);
  }

  /**
   * Moves time forward by {@code duration}, running what falls due.
   *
   * @throws IllegalArgumentException if {@code duration} is negative, or would move the clock past
   *     {@link Instant#MAX}
   */
  public void advance(Duration duration) {
    Objects.requireNonNull(duration, "duration must not be null");
    if (duration.isNegative()) {
      throw new IllegalArgumentException("duration must not be negative but was: " + duration
          + " (a FakeClock only moves forward)");
    }
    advancing.lock();
    try {
      if (duration.compareTo(Duration.between(now, Instant.MAX)) > 0) {
        throw new IllegalArgumentException("duration must not move the clock past " + Instant.MAX + " but was: "
            + duration);
      }
      runUntil(now.plus(duration));
    } finally {
      advancing.unlock();
    }
  }

  /**
   * Moves time to {@code instant}, running what falls due.
   *
   * @throws IllegalArgumentException if {@code instant} is before now
   */
  public void set(Instant instant) {
    Objects.requireNonNull(instant, "instant must not be null");
    advancing.lock();
    try {
      if (instant.isBefore(now)) {
        throw new IllegalArgumentException("instant must not be before now (" + now + ") but was: " + instant
            + " (a FakeClock only moves forward)");
      }
      runUntil(instant);
    } finally {
      advancing.unlock();
    }
  }

  private void runUntil(Instant target) {
    while (true) {
      Timer next;
      synchronized (queueLock) {
        next = timers.peek();
        if (next == null || next.due.isAfter(target)) {
          break;
        }
        timers.poll();
        if (next.cancelled) {
          cancelled--;
          continue;
        }
        if (next.due.isAfter(now)) {
          now = next.due;
        }
      }
      next.task.run();
    }
    if (target.isAfter(now)) {
      now = target; // a task (or a listener it called) may have advanced further: never go back
    }
  }

  /** The instant this clock started at; the phase of a {@link FakeRegistry}'s expiry checks. */
  Instant start() {
    return start;
  }

  @Override
  public Instant instant() {
    return now;
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  /** This clock seen in another zone; it still moves with this one. */
  @Override
  public Clock withZone(ZoneId zone) {
    Objects.requireNonNull(zone, "zone must not be null");
    FakeClock source = this;
    return new Clock() {
      @Override
      public ZoneId getZone() {
        return zone;
      }

      @Override
      public Clock withZone(ZoneId other) {
        return source.withZone(other);
      }

      @Override
      public Instant instant() {
        return source.instant();
      }
    };
  }

  @Override
  public String toString() {
    return "FakeClock[" + now + "]";
  }

  /** Runs {@code task} when the clock reaches {@code due} (at once on the next advance if due has passed). */
  Timer schedule(Instant due, Runnable task) {
    synchronized (queueLock) {
      Timer timer = new Timer(this, due, sequence++, task);
      timers.add(timer);
      return timer;
    }
  }

  /**
   * Counts a cancelled timer, and drops the cancelled ones once they are half the queue: a test that
   * registers and closes many times without moving the clock must not grow the queue for ever.
   */
  private void cancelledOne() {
    synchronized (queueLock) {
      cancelled++;
      if (cancelled > 64 && cancelled > timers.size() / 2) {
        timers.removeIf(timer -> timer.cancelled);
        cancelled = 0;
      }
    }
  }

  /** How many timers the queue holds, cancelled ones included; for tests of this package. */
  int queuedTimers() {
    synchronized (queueLock) {
      return timers.size();
    }
  }

  /** How many tasks are waiting; for tests of this package. */
  int pendingTimers() {
    synchronized (queueLock) {
      return (int) timers.stream().filter(t -> !t.cancelled).count();
    }
  }

  /** A scheduled task; cancel it to drop it. */
  static final class Timer implements Comparable<Timer> {
    final FakeClock clock;
    final Instant due;
    final long order;
    final Runnable task;
    volatile boolean cancelled;

    Timer(FakeClock clock, Instant due, long order, Runnable task) {
      this.clock = clock;
      this.due = due;
      this.order = order;
      this.task = task;
    }

    void cancel() {
      synchronized (clock.queueLock) {
        if (cancelled) {
          return;
        }
        cancelled = true;
      }
      clock.cancelledOne();
    }

    @Override
    public int compareTo(Timer other) {
      int byDue = due.compareTo(other.due);
      return byDue != 0 ? byDue : Long.compare(order, other.order);
    }
  }
}
