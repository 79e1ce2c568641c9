package dev.registrykit.fake;

import dev.registrykit.InvalidEntryListener;
import dev.registrykit.Recovery;
import dev.registrykit.internal.InstanceCodec;
import java.time.Duration;

/** What a {@link FakeRegistry.Builder} chose, validated; read by every part of the fake. */
record FakeSettings(
    FakeClock clock,
    Duration minimumTtl,
    Duration defaultTtl,
    String namespace,
    Recovery recovery,
    int historyLimit,
    InvalidEntryListener invalidEntryListener,
    Duration expiryCheckInterval,
    Duration electionTimeout,
    InstanceCodec.Format valueFormat) {

  /** The TTL granted for {@code ttl}: at least the minimum TTL, as etcd grants. */
  Duration granted(Duration ttl) {
    return ttl.compareTo(minimumTtl) < 0 ? minimumTtl : ttl;
  }

  /**
   * A third of {@code ttl}, rounded down to the nanosecond as {@code ttl.dividedBy(3)} is, without the
   * BigDecimal arithmetic that made it a visible part of every register.
   */
  static Duration keepAliveInterval(Duration ttl) {
    return Duration.ofNanos(ttl.toNanos() / 3);
  }
}
