package dev.registrykit.bench;

import dev.registrykit.junit.TimeScale;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;

/** Latency samples in nanoseconds, summarised as p50 and p99 (nearest rank). */
final class Samples {

  private final long[] nanos;
  private int size;

  Samples(int capacity) {
    nanos = new long[capacity];
  }

  void add(long value) {
    nanos[size++] = value;
  }

  double percentileMillis(double percentile) {
    long[] sorted = Arrays.copyOf(nanos, size);
    Arrays.sort(sorted);
    int rank = (int) Math.ceil(percentile / 100.0 * size);
    return sorted[Math.max(0, Math.min(size - 1, rank - 1))] / 1e6;
  }

  int size() {
    return size;
  }

  String describe() {
    return String.format(Locale.ROOT, "p50 %.2f ms, p99 %.2f ms (n=%d)", percentileMillis(50), percentileMillis(99), size);
  }

  /**
   * A deadline of the harness (a call, a wait for an event) in ms: {@code seconds} on a quiet machine,
   * scaled with its load by the toolkit's {@link TimeScale}, so that the smoke tests hold on a busy one.
   * Only a safety net: a figure never waits this long on a working etcd.
   */
  static long bound(int seconds) {
    return TimeScale.scaled(Duration.ofSeconds(seconds)).toMillis();
  }
}
