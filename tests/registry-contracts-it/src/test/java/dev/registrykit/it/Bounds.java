package dev.registrykit.it;

import dev.registrykit.junit.TimeScale;
import java.time.Duration;

/**
 * The bounds of registry-it's own waits that {@code RegistryTime} does not give: each is written at
 * its quiet-machine value and scaled through {@link TimeScale}, the one rule for time in tests.
 */
final class Bounds {

  private Bounds() {
  }

  /**
   * How long a test waits for etcd's answer to one call of its own jetcd client (or etcd's JSON
   * gateway), in nanoseconds: 5 s on a quiet machine, scaled. For {@code future.get(answerNanos(), NANOSECONDS)}.
   */
  static long answerNanos() {
    return TimeScale.scaled(Duration.ofSeconds(5)).toNanos();
  }

  /**
   * The call timeout for a registry a test builds without one of its own: {@code EtcdRegistry}'s
   * default, 5 s, scaled (the default itself is a production value and does not follow the load).
   */
  static Duration callTimeout() {
    return TimeScale.scaled(Duration.ofSeconds(5));
  }

  /** {@link #answerNanos()} in whole milliseconds, for {@code HttpURLConnection}'s timeouts. */
  static int answerMillis() {
    return Math.toIntExact(answerNanos() / 1_000_000);
  }
}
