package dev.registrykit.etcd.internal;

import static java.lang.System.Logger.Level.INFO;

import io.etcd.jetcd.Client;
import io.grpc.ManagedChannel;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Brings a registry back as soon as etcd answers again after an outage, in two ways.
 *
 * <p><b>The connection.</b> After failed connection attempts, gRPC waits before the next one: 1 s,
 * then 1.6 times longer each time, up to 2 minutes, whatever registrykit's own retries do (with
 * jetcd's wait-for-ready, a call just waits for that connection). After etcd was stopped for 10 s,
 * every registration came back 6.7 s after etcd did, in one burst when gRPC reconnected.
 * {@link #retrying()} asks the channel to connect now ({@code ManagedChannel.resetConnectBackoff()},
 * which does nothing unless the connection is failing), at most once per 100 ms; so registrykit's
 * own backoffs (the {@code Recovery} policy, keep-alive retries, watch resyncs) decide how often a
 * connection is tried. jetcd does not expose its channel, so it is found by reflection; if a jetcd
 * version has it elsewhere, this part does nothing and says so once in the log.
 *
 * <p><b>The waits.</b> A registration or watch waiting out its backoff after failing to reach etcd
 * {@link #await awaits} etcd; the first call that succeeds after that ({@link #answered()}) starts all
 * of them at once, so every registration is back as soon as one is, not each at the end of its own
 * backoff (up to the policy's maximum, 5 s by default).
 */
public final class Connectivity {

  private static final System.Logger LOG = System.getLogger(Connectivity.class.getName());
  private static final long RESET_EVERY_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

  private final Client client;
  private final Executor executor;
  private final Set<Runnable> waiting = ConcurrentHashMap.newKeySet();
  private final AtomicLong lastReset = new AtomicLong(System.nanoTime() - RESET_EVERY_NANOS);
  private volatile ManagedChannel channel;
  private volatile boolean channelUnreachable;

  /**
   * @param client   the registry's jetcd client (its channel is found when first needed)
   * @param executor runs the actions of {@link #await} when etcd answers
   */
  public Connectivity(Client client, Executor executor) {
    this.client = client;
    this.executor = executor;
  }

  /** A call failed to reach etcd and is about to be tried again: let the connection be tried now too. */
  public void retrying() {
    long now = System.nanoTime();
    long last = lastReset.get();
    if (now - last < RESET_EVERY_NANOS || !lastReset.compareAndSet(last, now)) {
      return;
    }
    ManagedChannel found = channel();
    if (found != null) {
      found.resetConnectBackoff();
    }
  }

  /**
   * Runs {@code retryNow} (once, on the executor) when a call next succeeds; for a holder waiting
   * out a backoff after failing to reach etcd. {@code retryNow} must tolerate running when its
   * holder no longer waits. The same action awaited twice is run once.
   */
  void await(Runnable retryNow) {
    waiting.add(retryNow);
  }

  /** Forgets {@code retryNow} (its holder closed, or retried on its own). */
  void stopAwaiting(Runnable retryNow) {
    waiting.remove(retryNow);
  }

  /** A call succeeded: etcd is reachable, so whatever awaits it runs now. */
  void answered() {
    if (waiting.isEmpty()) {
      return;
    }
    for (Runnable retryNow : waiting) {
      if (waiting.remove(retryNow)) {
        try {
          executor.execute(retryNow);
        } catch (RejectedExecutionException closing) {
          return; // the registry is closing: nothing needs to come back
        }
      }
    }
  }

  /** The client's gRPC channel, or null if it cannot be found. */
  private ManagedChannel channel() {
    ManagedChannel found = channel;
    if (found != null || channelUnreachable) {
      return found;
    }
    try {
      Field manager = client.getClass().getDeclaredField("connectionManager");
      manager.setAccessible(true);
      Object connections = manager.get(client);
      Method getChannel = connections.getClass().getDeclaredMethod("getChannel");
      getChannel.setAccessible(true);
      found = (ManagedChannel) getChannel.invoke(connections);
      channel = found;
      return found;
    } catch (ReflectiveOperationException | RuntimeException e) {
      channelUnreachable = true;
      LOG.log(INFO, "cannot reach the gRPC channel of " + client + " (" + e + "): after an outage, connections are "
          + "retried on gRPC's schedule (up to 2 minutes apart) instead of registrykit's");
      return null;
    }
  }

  /**
   * Whether the channel is connected (to at least one endpoint); false when it cannot be found, so
   * that the caller checks for itself.
   */
  public boolean connected() {
    ManagedChannel found = channel();
    return found != null && found.getState(false) == io.grpc.ConnectivityState.READY;
  }

  /** Whether the channel was found (for tests: fails loudly when a jetcd upgrade moves it). */
  boolean reachesChannel() {
    return channel() != null;
  }
}
