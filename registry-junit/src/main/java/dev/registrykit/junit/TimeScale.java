package dev.registrykit.junit;

import dev.registrykit.junit.internal.Settings;
import java.time.Duration;

/**
 * The one rule for time in tests on etcd: a bound that depends on how fast this machine runs (a call
 * timeout, an Awaitility {@code atMost}, how long a thread may take) is written at its quiet-machine
 * value and multiplied by {@link #current()}; anything else is observed without a clock (what etcd
 * reports, a revision, an event, the fake's clock). {@link RegistryTime}'s own bounds and the call
 * timeout of the registry the toolkit injects already follow it; use this for the bounds a test
 * writes itself, for example a registry it builds or a deadline of its own:
 *
 * <pre>{@code
 * EtcdRegistry.builder().withEndpoints(etcd.endpoints())
 *     .withCallTimeout(TimeScale.scaled(Duration.ofSeconds(1))).build();
 * await().atMost(TimeScale.scaled(Duration.ofSeconds(5))).until(...);
 * }</pre>
 *
 * <p>A check that a scaled bound would leave with nothing to check fails saying so rather than pass.
 * A literal that is not a bound on this machine's work carries {@code // time: load-free (<why>)};
 * registrykit's {@code TimeRuleTest} fails on any other time bound written as a literal
 * (ARCHITECTURE.md, the one rule for time in tests).
 *
 * <p>The scale is the setting {@code registrykit.time.scale} (or {@code REGISTRYKIT_TIME_SCALE}): a
 * positive number, or {@code auto} (the default), which is 1 while the machine's 1-minute load average
 * is at most one task per core and otherwise the load per core, at most 4. It is read anew on each call.
 */
public final class TimeScale {

  private TimeScale() {
  }

  /**
   * The factor for this machine now: the setting {@code registrykit.time.scale}, or the load per core
   * under {@code auto}.
   *
   * @throws IllegalArgumentException if the setting is neither a positive number nor {@code auto}
   */
  public static double current() {
    return Settings.timeScale();
  }

  /**
   * {@code bound}, written for a quiet machine, times {@link #current()}.
   *
   * @throws IllegalArgumentException if {@code bound} is negative, or the setting is invalid
   */
  public static Duration scaled(Duration bound) {
    if (bound == null || bound.isNegative()) {
      throw new IllegalArgumentException("bound must be zero or positive but was: " + bound);
    }
    return Duration.ofNanos(Math.round(bound.toNanos() * current()));
  }
}
