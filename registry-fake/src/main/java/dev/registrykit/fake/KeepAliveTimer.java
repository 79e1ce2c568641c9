package dev.registrykit.fake;

import java.time.Duration;

/** A client's keep-alive, as jetcd's: {@code tick} runs every TTL/3 of fake time while scheduled. Under lock. */
final class KeepAliveTimer {
  private final FakeClock clock;
  private final Duration interval;
  private final Runnable tick;
  private FakeClock.Timer timer;

  KeepAliveTimer(FakeClock clock, Duration ttl, Runnable tick) {
    this.clock = clock;
    this.interval = FakeSettings.keepAliveInterval(ttl);
    this.tick = tick;
  }

  /** The next tick, an interval from now. */
  void schedule() {
    timer = clock.schedule(clock.instant().plus(interval), tick);
  }

  void cancel() {
    if (timer != null) {
      timer.cancel();
      timer = null;
    }
  }
}
