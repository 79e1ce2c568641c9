package dev.registrykit.bench;

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
}
