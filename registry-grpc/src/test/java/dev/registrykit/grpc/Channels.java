package dev.registrykit.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.registrykit.Registry;
import dev.registrykit.junit.TimeScale;
import io.grpc.CallOptions;
import io.grpc.Deadline;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.NameResolverRegistry;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import io.grpc.testing.protobuf.SimpleRequest;
import io.grpc.testing.protobuf.SimpleResponse;
import io.grpc.testing.protobuf.SimpleServiceGrpc;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;

/**
 * Real round-robin channels to {@code registrykit:///{service}} on one registry: the provider is
 * registered with grpc's default registry while this is open. Waits for the channel (grpc's network
 * side, asynchronous on either backend) are bounded by {@code bound}.
 */
final class Channels implements AutoCloseable {

  private final RegistrykitNameResolverProvider provider;
  private final Duration bound;
  private final List<ManagedChannel> channels = new ArrayList<>();

  Channels(Registry registry, Duration bound) {
    this.provider = RegistrykitNameResolverProvider.forRegistry(registry);
    this.bound = bound;
    NameResolverRegistry.getDefaultRegistry().register(provider);
  }

  ManagedChannel roundRobin(String service) {
    ManagedChannel channel = Grpc.newChannelBuilder("registrykit:///" + service, InsecureChannelCredentials.create())
        .defaultLoadBalancingPolicy("round_robin").build();
    channels.add(channel);
    return channel;
  }

  /** One call; throws {@link StatusRuntimeException} if it fails. */
  static String call(ManagedChannel channel, CallOptions options) {
    SimpleResponse response = ClientCalls.blockingUnaryCall(channel, SimpleServiceGrpc.getUnaryRpcMethod(),
        options, SimpleRequest.getDefaultInstance());
    return response.getResponseMessage();
  }

  static String call(ManagedChannel channel) {
    return call(channel, CallOptions.DEFAULT.withDeadline(deadline(Duration.ofSeconds(5))));
  }

  /** A call's deadline {@code quiet} from now on a quiet machine, scaled through {@link TimeScale}. */
  static Deadline deadline(Duration quiet) {
    return Deadline.after(TimeScale.scaled(quiet).toNanos(), TimeUnit.NANOSECONDS);
  }

  /** Shuts {@code channel} down now and waits (5 s on a quiet machine, scaled) for it to end. */
  static void shutDown(ManagedChannel channel) throws InterruptedException {
    channel.shutdownNow().awaitTermination(TimeScale.scaled(Duration.ofSeconds(5)).toNanos(), TimeUnit.NANOSECONDS);
  }

  /** The ids that answer {@code calls} calls in a row. */
  static Set<String> answering(ManagedChannel channel, int calls) {
    Set<String> ids = new TreeSet<>();
    for (int i = 0; i < calls; i++) {
      ids.add(call(channel));
    }
    return ids;
  }

  /** Waits (bounded) until {@code calls} calls in a row are answered by exactly {@code expected}. */
  void awaitAnswering(ManagedChannel channel, int calls, Set<String> expected) {
    Awaitility.await().atMost(bound).pollInterval(Duration.ofMillis(20))
        .ignoreExceptionsInstanceOf(StatusRuntimeException.class)
        .untilAsserted(() -> assertThat(answering(channel, calls)).isEqualTo(new TreeSet<>(expected)));
  }

  /** Waits (bounded) until {@code assertion} passes. */
  void await(ThrowingRunnable assertion) {
    Awaitility.await().atMost(bound).pollInterval(Duration.ofMillis(20))
        .untilAsserted(assertion::run);
  }

  interface ThrowingRunnable {
    void run() throws Throwable;
  }

  @Override
  public void close() {
    try {
      for (ManagedChannel channel : channels) {
        shutDown(channel);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      NameResolverRegistry.getDefaultRegistry().deregister(provider);
    }
  }
}
