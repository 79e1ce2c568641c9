package dev.registrykit.bench;

import dev.registrykit.Registration;
import dev.registrykit.RegistryEvent;
import dev.registrykit.ServiceInstance;
import dev.registrykit.etcd.EtcdRegistry;
import dev.registrykit.etcd.internal.EtcdTestAccess;
import dev.registrykit.internal.InstanceCodec;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.watch.WatchEvent;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Figures 3 to 5 and the client-side memory figure of BENCHMARKS.md, against a running etcd:
 * register and list latency against raw jetcd doing the same calls (interleaved, so both see the
 * same machine), watch latency from a put to our listener, and how long after keep-alive stops the
 * Removed event arrives.
 *
 * <p>{@code java dev.registrykit.bench.EtcdFigures http://127.0.0.1:2379 [rounds [expirySamples]]}
 */
public final class EtcdFigures {

  private EtcdFigures() {
  }

  /** {@code endpoint [rounds [expirySamples]]}: 400 latency samples and 10 expiries per TTL by default. */
  public static void main(String[] args) {
    String endpoint = args.length > 0 ? args[0] : "http://127.0.0.1:2379";
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 400;
    int expirySamples = args.length > 2 ? Integer.parseInt(args[2]) : 10;
    run(endpoint, rounds, expirySamples, System.out);
  }

  /**
   * Runs the figures and prints a Markdown table to {@code out}.
   *
   * @throws IllegalStateException if a call fails or times out, or the thread is interrupted (its
   *     interrupt flag is then set again)
   */
  public static void run(String endpoint, int rounds, int expirySamples, PrintStream out) {
    String namespace = "/registrykit-bench-" + Long.toHexString(System.nanoTime());
    try (Client raw = Client.builder().endpoints(endpoint).build();
         EtcdRegistry registry = EtcdRegistry.builder().withEndpoints(endpoint).withNamespace(namespace).build()) {
      out.println("| figure | registrykit | baseline | ratio |");
      out.println("| --- | --- | --- | --- |");
      register(registry, raw, namespace, rounds, out);
      list(registry, raw, namespace, rounds, out);
      watch(registry, raw, namespace, rounds, out);
      Random random = new Random(42); // the same crash moments from run to run
      expiry(registry, Duration.ofSeconds(1), expirySamples, random, out);
      expiry(registry, Duration.ofSeconds(2), expirySamples, random, out);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while measuring", e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("an etcd call failed while measuring", e);
    }
  }

  private static void register(EtcdRegistry registry, Client raw, String namespace, int rounds, PrintStream out)
      throws InterruptedException, ExecutionException, TimeoutException {
    Samples ours = new Samples(rounds);
    Samples theirs = new Samples(rounds);
    for (int i = 0; i < rounds + 20; i++) {
      ServiceInstance instance = ServiceInstance.of("reg", "i-" + i, "http://10.0.0.1:5000");
      long t0 = System.nanoTime();
      Registration registration = registry.register(instance, Duration.ofSeconds(30));
      long t1 = System.nanoTime();
      long lease = raw.getLeaseClient().grant(30).get(Samples.bound(5), TimeUnit.MILLISECONDS).getID();
      raw.getKVClient().put(bytes(namespace + "/raw/i-" + i), bytes(InstanceCodec.encode(instance)),
          PutOption.builder().withLeaseId(lease).build()).get(Samples.bound(5), TimeUnit.MILLISECONDS);
      long t2 = System.nanoTime();
      if (i >= 20) { // the first 20 warm both paths up
        ours.add(t1 - t0);
        theirs.add(t2 - t1);
      }
      registration.close();
      raw.getLeaseClient().revoke(lease).get(Samples.bound(5), TimeUnit.MILLISECONDS);
    }
    row(out, "3a. register (lease grant + put)", ours, theirs);
  }

  private static void list(EtcdRegistry registry, Client raw, String namespace, int rounds, PrintStream out)
      throws InterruptedException, ExecutionException, TimeoutException {
    for (int i = 0; i < 10; i++) {
      registry.register(ServiceInstance.of("listed", "i-" + i, "http://10.0.0." + i + ":5000"), Duration.ofSeconds(30));
    }
    Samples ours = new Samples(rounds);
    Samples theirs = new Samples(rounds);
    ByteSequence prefix = bytes(InstanceCodec.servicePrefix(namespace, "listed"));
    for (int i = 0; i < rounds + 20; i++) {
      long t0 = System.nanoTime();
      int listed = registry.instances("listed").size();
      long t1 = System.nanoTime();
      int got = raw.getKVClient().get(prefix, GetOption.builder().isPrefix(true).build()).get(Samples.bound(5), TimeUnit.MILLISECONDS).getKvs().size();
      long t2 = System.nanoTime();
      if (listed != 10 || got != 10) {
        throw new IllegalStateException("expected 10 instances, listed " + listed + ", got " + got);
      }
      if (i >= 20) {
        ours.add(t1 - t0);
        theirs.add(t2 - t1);
      }
    }
    row(out, "3b. instances(service), 10 instances (prefix get + decode)", ours, theirs);
  }

  /**
   * Figure 4: put -> listener, for our watch and, as its baseline, raw jetcd's own watch on another
   * prefix. Both watches are opened first and timed until they are live (a put sent right after
   * {@code watch} returns is delivered); then, after a 0.5 s settle, the two take turns, one put at a
   * time, each put waiting for its event before the next, so no put waits for another's catch-up.
   */
  private static void watch(EtcdRegistry registry, Client raw, String namespace, int rounds, PrintStream out)
      throws InterruptedException, ExecutionException, TimeoutException {
    BlockingQueue<Long> ourArrivals = new LinkedBlockingQueue<>();
    BlockingQueue<Long> rawArrivals = new LinkedBlockingQueue<>();
    String rawPrefix = namespace + "/raw-watched/";
    // jetcd's watch() returns before etcd has made the watch: started at a revision, the raw watch
    // cannot miss a put sent meanwhile (ours starts at the revision of its listing already).
    long now = raw.getKVClient().get(bytes(rawPrefix)).get(Samples.bound(5), TimeUnit.MILLISECONDS).getHeader().getRevision();
    try (var watch = registry.watch("watched", event -> {
      if (event instanceof RegistryEvent.Added) {
        ourArrivals.add(System.nanoTime());
      }
    }); Watch.Watcher rawWatch = raw.getWatchClient().watch(bytes(rawPrefix),
        WatchOption.builder().isPrefix(true).withRevision(now + 1).build(),
        Watch.listener(response -> response.getEvents().stream()
            .filter(event -> event.getEventType() == WatchEvent.EventType.PUT)
            .forEach(event -> rawArrivals.add(System.nanoTime()))))) {
      // Both live before the settle: a put of each is delivered.
      live(raw, bytes(InstanceCodec.key(namespace, "watched", "probe")),
          InstanceCodec.encode(ServiceInstance.of("watched", "probe", "http://10.0.0.1:5000")), ourArrivals);
      live(raw, bytes(rawPrefix + "probe"), "{}", rawArrivals);
      Thread.sleep(500); // the settle: both watches are live and idle before the first timed put
      Samples ours = new Samples(rounds);
      Samples theirs = new Samples(rounds);
      for (int i = 0; i < rounds; i++) {
        String id = "w-" + i;
        String value = InstanceCodec.encode(ServiceInstance.of("watched", id, "http://10.0.0.1:5000"));
        ours.add(delivered(raw, bytes(InstanceCodec.key(namespace, "watched", id)), value, ourArrivals));
        theirs.add(delivered(raw, bytes(rawPrefix + id), value, rawArrivals));
      }
      row(out, "4. watch: put -> listener, loopback (0.5 s settle, alternating, one put at a time)", ours, theirs);
    }
    int opens = Math.max(5, rounds / 20);
    Samples ourLive = new Samples(opens);
    Samples rawLive = new Samples(opens);
    for (int i = 0; i < opens + 5; i++) { // the first 5 of each warm up
      String service = "opened-" + i;
      BlockingQueue<Long> ourProbe = new LinkedBlockingQueue<>();
      long opened = System.nanoTime();
      long revision;
      try (var watch = registry.watch(service, event -> ourProbe.add(System.nanoTime()))) {
        revision = put(raw, bytes(InstanceCodec.key(namespace, service, "probe")),
            InstanceCodec.encode(ServiceInstance.of(service, "probe", "http://10.0.0.1:5000")));
        long live = arrival(ourProbe) - opened;
        if (i >= 5) {
          ourLive.add(live);
        }
      }
      BlockingQueue<Long> rawProbe = new LinkedBlockingQueue<>();
      String prefix = namespace + "/raw-" + service + "/";
      opened = System.nanoTime();
      // From the revision after our probe's put (known without a call), so no put can be missed.
      try (Watch.Watcher rawWatch = raw.getWatchClient().watch(bytes(prefix),
          WatchOption.builder().isPrefix(true).withRevision(revision + 1).build(),
          Watch.listener(response -> response.getEvents().forEach(event -> rawProbe.add(System.nanoTime()))))) {
        long live = live(raw, bytes(prefix + "probe"), "{}", rawProbe) - opened;
        if (i >= 5) {
          rawLive.add(live);
        }
      }
    }
    out.printf(Locale.ROOT, "| 4. a new watch is live: watch() called -> a put sent right after it returns is delivered "
        + "| %s | raw jetcd: %s | p50 %.2f |%n", ourLive.describe(), rawLive.describe(),
        ourLive.percentileMillis(50) / rawLive.percentileMillis(50));
  }

  /** Puts {@code key} and returns the revision of that put. */
  private static long put(Client raw, ByteSequence key, String value)
      throws InterruptedException, ExecutionException, TimeoutException {
    return raw.getKVClient().put(key, bytes(value)).get(Samples.bound(5), TimeUnit.MILLISECONDS).getHeader().getRevision();
  }

  /** The time (nanoTime) a put of {@code key}, sent now, reaches {@code arrivals}. */
  private static long live(Client raw, ByteSequence key, String value, BlockingQueue<Long> arrivals)
      throws InterruptedException, ExecutionException, TimeoutException {
    put(raw, key, value);
    return arrival(arrivals);
  }

  /** Puts {@code key} and returns how long (ns) its event took to reach {@code arrivals}. */
  private static long delivered(Client raw, ByteSequence key, String value, BlockingQueue<Long> arrivals)
      throws InterruptedException, ExecutionException, TimeoutException {
    long sent = System.nanoTime();
    return live(raw, key, value, arrivals) - sent;
  }

  private static long arrival(BlockingQueue<Long> arrivals) throws InterruptedException {
    Long at = arrivals.poll(Samples.bound(30), TimeUnit.MILLISECONDS);
    if (at == null) {
      throw new IllegalStateException("a watched put was not delivered within 30 s");
    }
    return at;
  }

  /**
   * Each sample runs an instance with keep-alive for a random time between one and two TTLs, so the
   * crash falls anywhere between two keep-alives and anywhere in etcd's lease-check cycle (about every
   * 500 ms), then times from the crash to the {@code Removed} event. Back-to-back samples without
   * that pause would all start right after one of etcd's checks and always measure its worst case.
   */
  private static void expiry(EtcdRegistry registry, Duration ttl, int samples, Random random, PrintStream out)
      throws InterruptedException {
    Samples detection = new Samples(samples);
    for (int i = 0; i < samples; i++) {
      String id = "e-" + ttl.toSeconds() + "-" + i;
      CountDownLatch removed = new CountDownLatch(1);
      long[] at = new long[1];
      Registration registration = registry.register(ServiceInstance.of("expiring", id, "http://10.0.0.1:5000"), ttl);
      try (var watch = registry.watch("expiring", event -> {
        if (event instanceof RegistryEvent.Removed && event.instance().instanceId().equals(id)) {
          at[0] = System.nanoTime();
          removed.countDown();
        }
      })) {
        // A benchmark harness, not a test: the instance runs, keep-alive included, for this long.
        Thread.sleep(ttl.toMillis() + random.nextInt((int) ttl.toMillis()));
        long crashed = System.nanoTime();
        EtcdTestAccess.crash(registry, registration);
        if (!removed.await(ttl.toMillis() + Samples.bound(10), TimeUnit.MILLISECONDS)) {
          throw new IllegalStateException("no Removed for " + id);
        }
        detection.add(at[0] - crashed);
      }
    }
    out.printf(Locale.ROOT, "| 5. keep-alive stops -> Removed, TTL %d s | %s, min %.0f ms, max %.0f ms | TTL %d ms | p50 %.2f x TTL |%n",
        ttl.toSeconds(), detection.describe(), detection.percentileMillis(0), detection.percentileMillis(100),
        ttl.toMillis(), detection.percentileMillis(50) / ttl.toMillis());
  }

  private static void row(PrintStream out, String figure, Samples ours, Samples theirs) {
    out.printf(Locale.ROOT, "| %s | %s | raw jetcd: %s | p50 %.2f, p99 %.2f |%n", figure, ours.describe(),
        theirs.describe(), ours.percentileMillis(50) / theirs.percentileMillis(50),
        ours.percentileMillis(99) / theirs.percentileMillis(99));
  }

  private static ByteSequence bytes(String text) {
    return ByteSequence.from(text, StandardCharsets.UTF_8);
  }
}
