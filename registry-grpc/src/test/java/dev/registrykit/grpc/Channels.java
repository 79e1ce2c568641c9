package dev.registrykit.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.registrykit.Registry;
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
    return call(channel, CallOptions.DEFAULT.withDeadline(Deadline.after(5, TimeUnit.SECONDS)));
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
      channels.forEach(ManagedChannel::shutdownNow);
      for (ManagedChannel channel : channels) {
        channel.awaitTermination(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      NameResolverRegistry.getDefaultRegistry().deregister(provider);
    }
  }
}
