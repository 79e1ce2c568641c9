package dev.registrykit.examples;

import dev.registrykit.Candidacy;
import dev.registrykit.Registration;
import dev.registrykit.RegistrationState;
import dev.registrykit.Registry;
import dev.registrykit.RegistryEvent;
import dev.registrykit.etcd.EtcdRegistry;
import dev.registrykit.etcd.internal.EtcdTestAccess;
import dev.registrykit.fake.FakeRegistry;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

/**
 * Three OrderShippingService instances in one process: they register, one is elected and starts
 * the migration, the leader crashes in the middle of it, its lease expires, it disappears from the
 * listing, and another takes over and finishes the migration; then the rest shut down. Runs on the
 * in-memory registry moved by real time, or with {@code --etcd http://host:2379} on etcd. Prints a
 * timeline and exits by itself, in about 5 s.
 */
public final class Demo {

  private static final Duration TTL = Duration.ofSeconds(3);
  private static final int BATCHES = 3;
  private static final Duration BATCH_TIME = Duration.ofMillis(400);
  private static final Duration WAIT = Duration.ofSeconds(30);

  private Demo() {
  }

  /** {@code [--etcd http://host:2379]}. */
  public static void main(String[] args) {
    System.exit(run(args, System.out));
  }

  /** Runs the demo, printing to {@code out}; returns the exit code. */
  public static int run(String[] args, PrintStream out) {
    String etcd = null;
    for (int i = 0; i < args.length; i++) {
      if ("--etcd".equals(args[i]) && i + 1 < args.length) {
        etcd = args[++i];
      } else {
        out.println("usage: Demo [--etcd http://host:2379]");
        return 2;
      }
    }
    long start = System.nanoTime();
    Timeline timeline = message -> out.printf(Locale.ROOT, "[%5.1f s] %s%n", (System.nanoTime() - start) / 1e9, message);
    try {
      return etcd == null ? onTheFake(timeline) : onEtcd(etcd, timeline);
    } catch (RuntimeException e) {
      timeline.say("failed: " + e);
      return 1;
    }
  }

  /** One line of the timeline. */
  @FunctionalInterface
  interface Timeline {
    void say(String message);
  }

  private static int onTheFake(Timeline timeline) {
    timeline.say("in-memory registry (FakeRegistry moved by real time); TTL " + TTL.toSeconds() + " s");
    FakeRegistry registry = FakeRegistry.create();
    // The fake checks for expired leases every 500 ms from the clock's start; etcd's checks are not in
    // step with anyone's registration, so start off that grid: an expired lease is then removed at the
    // next check, after its TTL has run out, as on etcd, rather than at the same instant.
    registry.clock().advance(Duration.ofMillis(137));
    try (RealTimeDriver driver = new RealTimeDriver(registry.clock(), Duration.ofMillis(20))) {
      return scenario(registry, id -> registry, (owner, registration, candidacy) -> {
        registry.crash(registration);
        registry.crash(candidacy);
      }, timeline);
    } finally {
      registry.close();
    }
  }

  private static int onEtcd(String endpoint, Timeline timeline) {
    timeline.say("etcd at " + endpoint + "; TTL " + TTL.toSeconds() + " s");
    String namespace = "/registrykit-demo-" + Long.toHexString(System.nanoTime());
    List<EtcdRegistry> opened = new ArrayList<>();
    Function<String, Registry> connect = id -> {
      EtcdRegistry registry = EtcdRegistry.builder().withEndpoints(endpoint).withNamespace(namespace).build();
      opened.add(registry);
      return registry;
    };
    try {
      return scenario(connect.apply("observer"), connect, (owner, registration, candidacy) -> {
        EtcdTestAccess.crash((EtcdRegistry) owner, registration);
        EtcdTestAccess.crash((EtcdRegistry) owner, candidacy);
      }, timeline);
    } finally {
      opened.forEach(EtcdRegistry::close);
    }
  }

  /** How an instance's process dies on a backend: keep-alives stop, nothing is deleted. */
  @FunctionalInterface
  interface Crash {
    void crash(Registry owner, Registration registration, Candidacy candidacy);
  }

  private static int scenario(Registry observer, Function<String, Registry> connect, Crash crash, Timeline timeline) {
    CompletableFuture<String> firstLeader = new CompletableFuture<>();
    CompletableFuture<String> nextLeader = new CompletableFuture<>();
    CompletableFuture<String> inSecondBatch = new CompletableFuture<>();
    CompletableFuture<Void> leaseExpired = new CompletableFuture<>();
    CompletableFuture<Void> firstGone = new CompletableFuture<>();
    List<String> present = new CopyOnWriteArrayList<>();
    Set<String> dead = ConcurrentHashMap.newKeySet(); // a crashed process says nothing more

    observer.watch(OrderShippingService.SERVICE, event -> {
      String id = event.instance().instanceId();
      if (event instanceof RegistryEvent.Added) {
        present.add(id);
        timeline.say("+ " + id + " registered at " + event.instance().address());
      } else if (event instanceof RegistryEvent.Removed) {
        present.remove(id);
        timeline.say("- " + id + " is gone from the listing");
        if (id.equals(firstLeader.getNow(null))) {
          firstGone.complete(null);
        }
      }
    });
    observer.election(OrderShippingService.MIGRATIONS).observe(leader -> {
      timeline.say("leader of the migrations: " + leader.map(l -> l.candidateId() + " (fencing token "
          + l.fencingToken() + ")").orElse("nobody"));
      leader.ifPresent(l -> {
        if (!firstLeader.complete(l.candidateId()) && !l.candidateId().equals(firstLeader.getNow(null))) {
          nextLeader.complete(l.candidateId());
        }
      });
    });

    MigrationLog migrationLog = MigrationLog.ofBatches(BATCHES);
    List<OrderShippingService> services = new ArrayList<>();
    List<Registry> owners = new ArrayList<>();
    List<ExecutorService> jobThreads = new ArrayList<>();
    try {
      for (int i = 1; i <= 3; i++) {
        String id = "i-" + i;
        Registry owner = connect.apply(id);
        owners.add(owner);
        ExecutorService jobThread = Executors.newSingleThreadExecutor(runnable -> {
          Thread thread = new Thread(runnable, "demo-migration-" + id);
          thread.setDaemon(true);
          return thread;
        });
        jobThreads.add(jobThread);
        services.add(OrderShippingService.builder()
            .withRegistry(owner)
            .withInstanceId(id)
            .withAddress("http://10.0.0." + i + ":5000")
            .withTtl(TTL)
            .withMigrationLog(migrationLog)
            .withMigration(batch -> {
              if (batch == 2 && inSecondBatch.complete(id)) {
                new CountDownLatch(1).await(); // the first leader crashes in the middle of this batch
              }
              Thread.sleep(BATCH_TIME.toMillis()); // the work of a batch
            })
            .withExecutor(jobThread)
            .withEvents(message -> {
              if (!dead.contains(id)) {
                timeline.say("  " + message);
              }
            })
            .start());
      }
      await(firstLeader, "a leader");
      String leaderId = await(inSecondBatch, "the leader's second batch");
      int crashed = indexOf(services, leaderId);
      OrderShippingService leader = services.get(crashed);
      OrderShippingService other = services.get(crashed == 0 ? 1 : 0);
      timeline.say(other.instance().instanceId() + " sees its peers: "
          + other.peers().stream().map(p -> p.instanceId()).toList());

      leader.registration().addListener((registration, from, to) -> {
        if (to == RegistrationState.LOST) {
          timeline.say("lease of " + leaderId + " expired: no keep-alive for its TTL of "
              + registration.ttl().toSeconds() + " s");
          leaseExpired.complete(null);
        }
      });
      timeline.say(leaderId + " crashes in batch 2: its process dies without deregistering or resigning");
      dead.add(leaderId);
      crash.crash(owners.get(crashed), leader.registration(), leader.candidacy());
      jobThreads.get(crashed).shutdownNow(); // its migration thread dies with it

      await(leaseExpired, "the crashed leader's lease to expire");
      await(firstGone, "the crashed leader to leave the listing");
      String successor = await(nextLeader, "a new leader");
      OrderShippingService next = services.get(indexOf(services, successor));
      if (!next.candidacy().awaitLeadership(WAIT)) {
        throw new TimeoutException(successor + " did not learn it leads within " + WAIT);
      }
      awaitThat(() -> migrationLog.isComplete() && !next.isMigrating(), successor + " to finish the migration");
      timeline.say(successor + " took over and finished the migration; registered now: " + present);

      for (OrderShippingService service : services) {
        if (service != leader) {
          timeline.say(service.instance().instanceId() + " shuts down cleanly");
          service.close();
        }
      }
      List<String> left = observer.instances(OrderShippingService.SERVICE).stream().map(i -> i.instanceId()).toList();
      timeline.say("done: registered now: " + left);
      return left.isEmpty() ? 0 : 1;
    } catch (TimeoutException e) {
      timeline.say("gave up: " + e.getMessage());
      return 1;
    } finally {
      jobThreads.forEach(ExecutorService::shutdownNow);
    }
  }

  private static int indexOf(List<OrderShippingService> services, String instanceId) {
    for (int i = 0; i < services.size(); i++) {
      if (services.get(i).instance().instanceId().equals(instanceId)) {
        return i;
      }
    }
    throw new IllegalStateException("no instance " + instanceId);
  }

  private static void awaitThat(BooleanSupplier condition, String what) throws TimeoutException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
        throw new TimeoutException("no " + what + " within " + WAIT);
      }
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for " + what, e);
      }
    }
  }

  private static <T> T await(CompletableFuture<T> future, String what) throws TimeoutException {
    try {
      return future.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for " + what, e);
    } catch (ExecutionException e) {
      throw new IllegalStateException(what + " failed", e.getCause());
    } catch (TimeoutException e) {
      throw new TimeoutException("no " + what + " within " + WAIT);
    }
  }
}
