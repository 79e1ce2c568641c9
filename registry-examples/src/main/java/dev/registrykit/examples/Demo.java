package dev.registrykit.examples;

import dev.registrykit.Candidacy;
import dev.registrykit.Registration;
import dev.registrykit.Registry;
import dev.registrykit.RegistryEvent;
import dev.registrykit.etcd.EtcdRegistry;
import dev.registrykit.fake.FakeRegistry;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * Three OrderShippingService instances in one process: they register, one is elected, the leader
 * crashes, its lease expires, it disappears and another takes over; then the rest shut down. Runs
 * on the in-memory registry moved by real time, or with {@code --etcd http://host:2379} on etcd.
 * Prints a timeline and exits by itself (about 10 s).
 */
public final class Demo {

  private static final Duration TTL = Duration.ofSeconds(3);
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
    try (RealTimeDriver driver = new RealTimeDriver(registry.clock(), Duration.ofMillis(20))) {
      return scenario(registry, id -> registry, new Crash() {
        @Override
        public void crash(Registry owner, Registration registration, Candidacy candidacy) {
          registry.crash(registration);
          registry.crash(candidacy);
        }
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
        ((EtcdRegistry) owner).crash(registration);
        ((EtcdRegistry) owner).crash(candidacy);
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
    CompletableFuture<Void> firstGone = new CompletableFuture<>();
    CompletableFuture<String> firstLeader = new CompletableFuture<>();
    CompletableFuture<String> nextLeader = new CompletableFuture<>();
    List<String> present = new java.util.concurrent.CopyOnWriteArrayList<>();
    observer.watch(OrderShippingService.SERVICE, event -> {
      String id = event.instance().instanceId();
      if (event instanceof RegistryEvent.Added) {
        present.add(id);
        timeline.say("+ " + id + " registered at " + event.instance().address());
      } else if (event instanceof RegistryEvent.Removed) {
        present.remove(id);
        timeline.say("- " + id + " is gone from the registry");
        if (id.equals(firstLeader.getNow(null))) {
          firstGone.complete(null);
        }
      }
    });
    observer.election(OrderShippingService.MIGRATIONS).observe(leader -> {
      timeline.say("leader of the migrations: " + leader.map(l -> l.candidateId() + " (token " + l.fencingToken() + ")")
          .orElse("nobody"));
      leader.ifPresent(l -> {
        if (!firstLeader.complete(l.candidateId()) && !l.candidateId().equals(firstLeader.getNow(null))) {
          nextLeader.complete(l.candidateId());
        }
      });
    });

    List<OrderShippingService> services = new ArrayList<>();
    List<Registry> owners = new ArrayList<>();
    try {
      for (int i = 1; i <= 3; i++) {
        Registry owner = connect.apply("i-" + i);
        owners.add(owner);
        services.add(OrderShippingService.start(owner, "i-" + i, "http://10.0.0." + i + ":5000", TTL,
            message -> timeline.say("  " + message)));
      }
      String leaderId = await(firstLeader, "a leader");
      OrderShippingService leader = services.stream().filter(s -> s.instance().instanceId().equals(leaderId))
          .findFirst().orElseThrow();
      OrderShippingService other = services.stream().filter(s -> s != leader).findFirst().orElseThrow();
      timeline.say(other.instance().instanceId() + " sees its peers: "
          + other.peers().stream().map(p -> p.instanceId()).toList());

      timeline.say(leaderId + " crashes: its process dies without deregistering");
      crash.crash(owners.get(services.indexOf(leader)), leader.registration(), leader.candidacy());
      await(firstGone, "the crashed leader's lease to expire");
      String successor = await(nextLeader, "a new leader");
      OrderShippingService next = services.stream().filter(s -> s.instance().instanceId().equals(successor))
          .findFirst().orElseThrow();
      if (!next.candidacy().awaitLeadership(WAIT)) {
        throw new TimeoutException(successor + " did not learn it leads within " + WAIT);
      }
      timeline.say(successor + " took over; registered now: " + present);

      for (OrderShippingService service : services) {
        if (service != leader) {
          timeline.say(service.instance().instanceId() + " shuts down cleanly");
          service.close();
        }
      }
      timeline.say("done: registered now: " + observer.instances(OrderShippingService.SERVICE));
      return observer.instances(OrderShippingService.SERVICE).isEmpty() ? 0 : 1;
    } catch (TimeoutException e) {
      timeline.say("gave up: " + e.getMessage());
      return 1;
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
