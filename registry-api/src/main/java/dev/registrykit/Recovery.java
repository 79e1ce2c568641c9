package dev.registrykit;

import java.time.Duration;
import java.util.Objects;

/**
 * What a registry does when a registration is {@linkplain RegistrationState#LOST lost} (keep-alive
 * failed for longer than the TTL, or etcd says the lease is gone): {@linkplain Reregister register it
 * again} with a new lease, retrying with exponential backoff and jitter, or {@linkplain Disabled
 * leave it lost}. Both {@code EtcdRegistry.Builder} and {@code FakeRegistry.Builder} take it.
 *
 * <pre>{@code
 * EtcdRegistry.builder().withRecovery(Recovery.withBackoff(Duration.ofMillis(200), Duration.ofSeconds(10)))
 * EtcdRegistry.builder().withRecovery(Recovery.disabled())
 * }</pre>
 */
public sealed interface Recovery permits Recovery.Reregister, Recovery.Disabled {

  /** The default: register again, backing off from 100 ms up to 5 s between attempts. */
  static Recovery defaults() {
    return withBackoff(Duration.ofMillis(100), Duration.ofSeconds(5));
  }

  /** Register again, backing off between {@code min} and {@code max} (with jitter). */
  static Recovery withBackoff(Duration min, Duration max) {
    return new Reregister(min, max);
  }

  /** Leave lost registrations lost until closed. */
  static Recovery disabled() {
    return new Disabled();
  }

  /**
   * Register again with a new lease and the latest instance data.
   *
   * @param minBackoff the first delay between attempts, positive
   * @param maxBackoff the longest delay between attempts, at least {@code minBackoff}
   */
  record Reregister(Duration minBackoff, Duration maxBackoff) implements Recovery {
    /** Validates the bounds. */
    public Reregister {
      Objects.requireNonNull(minBackoff, "minBackoff must not be null");
      Objects.requireNonNull(maxBackoff, "maxBackoff must not be null");
      if (minBackoff.isNegative() || minBackoff.isZero()) {
        throw new IllegalArgumentException("minBackoff must be positive but was: " + minBackoff);
      }
      if (maxBackoff.compareTo(minBackoff) < 0) {
        throw new IllegalArgumentException(
            "maxBackoff must be at least minBackoff (" + minBackoff + ") but was: " + maxBackoff);
      }
    }
  }

  /** Leave lost registrations lost. */
  record Disabled() implements Recovery {
  }
}
