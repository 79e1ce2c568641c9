package dev.registrykit.fake;

import java.time.Duration;

/**
 * A client's own count of its lease, as EtcdRegistration keeps it: {@code onPassed} runs when no
 * renewal succeeded for a whole TTL. Under lock.
 */
final class ClientDeadline {
  private final FakeClock clock;
  private final Runnable onPassed;
  /** A keep-alive tick failed since the last renewal. */
  boolean failing;
  private FakeClock.Timer timer;

  ClientDeadline(FakeClock clock, Runnable onPassed) {
    this.clock = clock;
    this.onPassed = onPassed;
  }

  /** A renewal succeeded now: the TTL counts from here. */
  void renewed(Duration ttl) {
    failing = false;
    cancel();
    timer = clock.schedule(clock.instant().plus(ttl), onPassed);
  }

  void cancel() {
    if (timer != null) {
      timer.cancel();
      timer = null;
    }
  }
}
