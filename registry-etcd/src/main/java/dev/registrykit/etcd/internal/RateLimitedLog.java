package dev.registrykit.etcd.internal;

import static java.lang.System.Logger.Level.DEBUG;
import static java.lang.System.Logger.Level.WARNING;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Logs a warning at most once per interval and counts what it held back, so that an outage or a
 * flood of bad values cannot flood the log. Messages are formats with {@code {}} for each argument,
 * in order (the format is what {@link PerMessage} tells warnings apart by).
 */
public final class RateLimitedLog {

  private final System.Logger log;
  private final long intervalNanos;
  private final AtomicLong nextAllowed = new AtomicLong(Long.MIN_VALUE);
  private final AtomicLong suppressed = new AtomicLong();

  /** Warns through {@code log} at most once per {@code interval}. */
  public RateLimitedLog(System.Logger log, Duration interval) {
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
        log.log(WARNING, "(" + held + " similar warnings suppressed)");
      }
      log.log(WARNING, () -> message(format, arguments));
    } else {
      suppressed.incrementAndGet();
      log.log(DEBUG, () -> message(format, arguments));
    }
  }

  /** {@code format} with each {@code {}} replaced by the next argument. */
  static String message(String format, Object... arguments) {
    StringBuilder message = new StringBuilder(format.length() + 32);
    int from = 0;
    for (Object argument : arguments) {
      int at = format.indexOf("{}", from);
      if (at < 0) {
        break;
      }
      message.append(format, from, at).append(argument);
      from = at + 2;
    }
    return message.append(format, from, format.length()).toString();
  }

  /**
   * One {@link RateLimitedLog} per message format, shared by many objects (say, every registration
   * of a registry): an outage then logs each kind of warning at most once per interval however many
   * registrations it hits, instead of once per registration.
   */
  public static final class PerMessage {
    private final System.Logger log;
    private final Duration interval;
    private final ConcurrentMap<String, RateLimitedLog> byFormat = new ConcurrentHashMap<>();

    /** Warns through {@code log} at most once per {@code interval} and message format. */
    public PerMessage(System.Logger log, Duration interval) {
      this.log = log;
      this.interval = interval;
    }

    /** Warns now, or counts the warning if one of the same format was logged within the interval. */
    public void warn(String format, Object... arguments) {
      byFormat.computeIfAbsent(format, f -> new RateLimitedLog(log, interval)).warn(format, arguments);
    }
  }
}
