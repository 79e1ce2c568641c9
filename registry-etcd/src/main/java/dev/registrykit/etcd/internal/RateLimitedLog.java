package dev.registrykit.etcd.internal;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;

/**
 * Logs a warning at most once per interval and counts what it held back, so that an outage or a
 * flood of bad values cannot flood the log.
 */
public final class RateLimitedLog {

  private final Logger log;
  private final long intervalNanos;
  private final AtomicLong nextAllowed = new AtomicLong(Long.MIN_VALUE);
  private final AtomicLong suppressed = new AtomicLong();

  /** Warns through {@code log} at most once per {@code interval}. */
  public RateLimitedLog(Logger log, Duration interval) {
    this.log = log;
    this.intervalNanos = interval.toNanos();
  }

  /** Warns now, or counts the warning if one was logged within the interval. */
  public void warn(String format, Object... arguments) {
    long now = System.nanoTime();
    long allowed = nextAllowed.get();
    if ((allowed == Long.MIN_VALUE || now - allowed >= 0) && nextAllowed.compareAndSet(allowed, now + intervalNanos)) {
      long held = suppressed.getAndSet(0);
      if (held > 0) {
        log.warn("({} similar warnings suppressed)", held);
      }
      log.warn(format, arguments);
    } else {
      suppressed.incrementAndGet();
      log.debug(format, arguments);
    }
  }

  /**
   * One {@link RateLimitedLog} per message format, shared by many objects (say, every registration
   * of a registry): an outage then logs each kind of warning at most once per interval however many
   * registrations it hits, instead of once per registration.
   */
  public static final class PerMessage {
    private final Logger log;
    private final Duration interval;
    private final ConcurrentMap<String, RateLimitedLog> byFormat = new ConcurrentHashMap<>();

    /** Warns through {@code log} at most once per {@code interval} and message format. */
    public PerMessage(Logger log, Duration interval) {
      this.log = log;
      this.interval = interval;
    }

    /** Warns now, or counts the warning if one of the same format was logged within the interval. */
    public void warn(String format, Object... arguments) {
      byFormat.computeIfAbsent(format, f -> new RateLimitedLog(log, interval)).warn(format, arguments);
    }
  }
}
