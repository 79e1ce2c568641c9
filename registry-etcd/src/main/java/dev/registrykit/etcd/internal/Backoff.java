package dev.registrykit.etcd.internal;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The pause before the next attempt of a retry loop: {@code first}, doubling with each attempt up to
 * {@code max}, each drawn at random from its upper half ("equal jitter"), so that the clients an
 * outage hit at once do not all come back in step. Every background retry loop of the registry
 * (watch resyncs, an election's watch, keep-alive retries, recovery) waits so; none waits less than
 * {@code first / 2}, and once past the first few attempts each makes at most one attempt per {@code
 * max / 2}. Not thread-safe: its loop's lock (or thread) guards it.
 */
final class Backoff {

  private final long firstNanos;
  private final long maxNanos;
  private int attempts;

  /**
   * @param first the pause before the second attempt (at most; at least half of it)
   * @param max   the longest pause (at most; at least half of it)
   */
  Backoff(Duration first, Duration max) {
    if (first.isNegative() || first.isZero() || max.compareTo(first) < 0) {
      throw new IllegalArgumentException("backoff needs 0 < first <= max but was " + first + ", " + max);
    }
    this.firstNanos = first.toNanos();
    this.maxNanos = max.toNanos();
  }

  /** The pause before the next attempt; counts an attempt. */
  Duration next() {
    int shift = Math.min(attempts, 30);
    long pause = firstNanos > (maxNanos >> shift) ? maxNanos : Math.min(maxNanos, firstNanos << shift);
    attempts = attempts == Integer.MAX_VALUE ? attempts : attempts + 1;
    return Duration.ofNanos(pause / 2 + ThreadLocalRandom.current().nextLong(pause / 2 + 1));
  }

  /** The attempts counted since the last {@link #reset()}. */
  int attempts() {
    return attempts;
  }

  /** An attempt succeeded: the next failure starts again from {@code first}. */
  void reset() {
    attempts = 0;
  }
}
