package dev.registrykit.bench;

import dev.registrykit.Registration;
import dev.registrykit.RegistryEvent;
import dev.registrykit.ServiceInstance;
import dev.registrykit.etcd.EtcdRegistry;
import dev.registrykit.grpc.RegistrykitNameResolverProvider;
import io.grpc.ConnectivityState;
import io.grpc.EquivalentAddressGroup;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.LoadBalancer;
import io.grpc.LoadBalancerProvider;
import io.grpc.LoadBalancerRegistry;
import io.grpc.ManagedChannel;
import io.grpc.NameResolverRegistry;
import io.grpc.Status;
import java.io.PrintStream;
import java.time.Duration;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Figure 8 of BENCHMARKS.md: registration-to-channel latency, from the start of {@code register} on
 * etcd until a gRPC channel on {@code registrykit:///{service}} hands the new address to its load
 * balancer, beside the plain watch latency of the same registrations (a {@code Registry.watch}
 * listener in the same process, timed from the same start). The channel's policy is a probe that
 * only records what the resolver delivers, so the figure is the resolver's (watch, cache, offload
 * executor, synchronization context) and not a connection's.
 *
 * <p>{@code java dev.registrykit.bench.GrpcFigures http://127.0.0.1:2379 [rounds]}
 */
public final class GrpcFigures {

  private static final String PROBE = "registrykit_bench_probe";
  private static final String SERVICE = "bench-grpc";
  private static final int WARM_UP = 20;

  private GrpcFigures() {
  }

  /** {@code endpoint [rounds]}: 200 registrations by default. */
  public static void main(String[] args) {
    run(args.length > 0 ? args[0] : "http://127.0.0.1:2379", args.length > 1 ? Integer.parseInt(args[1]) : 200,
        System.out);
  }

  /**
   * Registers {@code rounds} instances one at a time (each deregistered, and seen gone, before the
   * next) and prints one Markdown row.
   *
   * @throws IllegalStateException if an address or event does not arrive within 10 s, or the thread
   *     is interrupted (its interrupt flag is then set again)
   */
  public static void run(String endpoint, int rounds, PrintStream out) {
    Map<String, Long> delivered = new ConcurrentHashMap<>();
    Map<String, Long> watched = new ConcurrentHashMap<>();
    LoadBalancerProvider probe = new Probe(delivered);
    LoadBalancerRegistry.getDefaultRegistry().register(probe);
    String namespace = "/registrykit-bench-grpc-" + Long.toHexString(System.nanoTime());
    // 15 s, not the default 5 s: on a cold JVM on a loaded machine the first call (connecting, loading
    // gRPC and netty) has taken more than 5 s; the figure measures latencies, never this bound.
    try (EtcdRegistry registry = EtcdRegistry.builder().withEndpoints(endpoint).withNamespace(namespace)
             .withCallTimeout(Duration.ofMillis(Samples.bound(15))).build();
         var watch = registry.watch(SERVICE, event -> {
           if (event instanceof RegistryEvent.Added) {
             watched.put(event.instance().instanceId(), System.nanoTime());
           }
         })) {
      RegistrykitNameResolverProvider provider = RegistrykitNameResolverProvider.forRegistry(registry);
      NameResolverRegistry.getDefaultRegistry().register(provider);
      ManagedChannel channel = Grpc.newChannelBuilder("registrykit:///" + SERVICE, InsecureChannelCredentials.create())
          .defaultLoadBalancingPolicy(PROBE).build();
      try {
        channel.getState(true); // leave idle: start the resolver now
        Samples toChannel = new Samples(rounds);
        Samples toWatch = new Samples(rounds);
        for (int i = 0; i < rounds + WARM_UP; i++) {
          String id = "g-" + i;
          long start = System.nanoTime();
          Registration registration = registry.register(
              ServiceInstance.of(SERVICE, id, "http://127.0.0.1:" + (20_000 + i % 1000)), Duration.ofSeconds(30));
          long atChannel = awaitKey(delivered, id);
          long atWatch = awaitKey(watched, id);
          if (i >= WARM_UP) {
            toChannel.add(atChannel - start);
            toWatch.add(atWatch - start);
          }
          registration.close();
          awaitGone(delivered, id);
        }
        out.printf(Locale.ROOT, "| 8. register -> the channel's resolver delivers the address (etcd, loopback) | %s | "
                + "register -> a watch listener, same registrations: %s | p50 %.2f, p99 %.2f |%n",
            toChannel.describe(), toWatch.describe(), toChannel.percentileMillis(50) / toWatch.percentileMillis(50),
            toChannel.percentileMillis(99) / toWatch.percentileMillis(99));
      } finally {
        channel.shutdownNow();
        channel.awaitTermination(Samples.bound(5), TimeUnit.MILLISECONDS);
        NameResolverRegistry.getDefaultRegistry().deregister(provider);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while measuring", e);
    } finally {
      LoadBalancerRegistry.getDefaultRegistry().deregister(probe);
    }
  }

  /** Spins briefly (then parks 50 µs at a time) until {@code id} is there: waiting must not add a sleep's granularity. */
  private static long awaitKey(Map<String, Long> times, String id) {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(Samples.bound(10));
    Long at;
    while ((at = times.get(id)) == null) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(id + " did not arrive within 10 s");
      }
      LockSupport.parkNanos(50_000);
    }
    return at;
  }

  private static void awaitGone(Map<String, Long> delivered, String id) {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(Samples.bound(10));
    while (delivered.containsKey(id)) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(id + " was not removed from the channel within 10 s");
      }
      LockSupport.parkNanos(50_000);
    }
  }

  /**
   * A load-balancing policy that records when each instance (by id) first reaches it and forgets it
   * when it is gone; it opens no connection.
   */
  private static final class Probe extends LoadBalancerProvider {
    private final Map<String, Long> delivered;

    Probe(Map<String, Long> delivered) {
      this.delivered = delivered;
    }

    @Override
    public boolean isAvailable() {
      return true;
    }

    @Override
    public int getPriority() {
      return 5;
    }

    @Override
    public String getPolicyName() {
      return PROBE;
    }

    @Override
    public LoadBalancer newLoadBalancer(LoadBalancer.Helper helper) {
      return new LoadBalancer() {
        @Override
        public Status acceptResolvedAddresses(ResolvedAddresses resolved) {
          long now = System.nanoTime();
          Set<String> ids = new HashSet<>();
          for (EquivalentAddressGroup group : resolved.getAddresses()) {
            ServiceInstance instance = group.getAttributes().get(RegistrykitNameResolverProvider.INSTANCE);
            ids.add(instance.instanceId());
            delivered.putIfAbsent(instance.instanceId(), now);
          }
          delivered.keySet().retainAll(ids);
          helper.updateBalancingState(ConnectivityState.CONNECTING, new SubchannelPicker() {
            @Override
            public PickResult pickSubchannel(PickSubchannelArgs args) {
              return PickResult.withNoResult();
            }
          });
          return Status.OK;
        }

        @Override
        public void handleNameResolutionError(Status error) {
          delivered.clear(); // no instance: nothing delivered
        }

        @Override
        public void shutdown() {
        }
      };
    }
  }
}
