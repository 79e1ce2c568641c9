package dev.registrykit.examples;

import dev.registrykit.fake.FakeClock;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Moves a {@link FakeClock} along with real time, so the in-memory registry can stand in for etcd
 * in a running program (the demo). Tests never need this: they advance the clock themselves.
 */
public final class RealTimeDriver implements AutoCloseable {

  private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(runnable -> {
    Thread thread = new Thread(runnable, "registrykit-real-time");
    thread.setDaemon(true);
    return thread;
  });

  /** Advances {@code clock} every {@code tick} by the real time that passed. */
  public RealTimeDriver(FakeClock clock, Duration tick) {
    long start = System.nanoTime();
    var origin = clock.instant();
    ticker.scheduleAtFixedRate(() -> {
      var now = origin.plusNanos(System.nanoTime() - start);
      if (now.isAfter(clock.instant())) {
        clock.set(now);
      }
    }, tick.toNanos(), tick.toNanos(), TimeUnit.NANOSECONDS);
  }

  @Override
  public void close() {
    ticker.shutdownNow();
    try {
      ticker.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
