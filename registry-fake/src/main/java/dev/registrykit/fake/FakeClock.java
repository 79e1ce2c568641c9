package dev.registrykit.fake;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * A clock that moves only when a test says so. {@link #advance(Duration)} and {@link #set(Instant)}
 * run, on the calling thread and before they return, everything that falls due in between (lease
 * renewals and expiries of every {@link FakeRegistry} on this clock), in order of due time, then
 * of registration.
 *
 * <p>SKELETON: signatures are fixed; the implementation is being written.
 */
public final class FakeClock extends Clock implements InstantSource {

  /** The instant a clock from {@link #create()} starts at: 2026-01-01T00:00:00Z. */
  public static final Instant DEFAULT_START = Instant.parse("2026-01-01T00:00:00Z");

  private FakeClock(Instant start) {
    throw new UnsupportedOperationException("not yet implemented");
  }

  /** A clock at {@link #DEFAULT_START}. */
  public static FakeClock create() {
    return startingAt(DEFAULT_START);
  }

  /** A clock at {@code start}. */
  public static FakeClock startingAt(Instant start) {
    return new FakeClock(start);
  }

  /** Moves time forward by {@code duration} (not negative), running what falls due. */
  public void advance(Duration duration) {
    throw new UnsupportedOperationException("not yet implemented");
  }

  /** Moves time to {@code instant} (not before now), running what falls due. */
  public void set(Instant instant) {
    throw new UnsupportedOperationException("not yet implemented");
  }

  @Override
  public Instant instant() {
    throw new UnsupportedOperationException("not yet implemented");
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    throw new UnsupportedOperationException("not yet implemented");
  }
}
