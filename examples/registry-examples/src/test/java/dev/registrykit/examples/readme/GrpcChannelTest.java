package dev.registrykit.examples.readme;

import static org.assertj.core.api.Assertions.assertThat;

import dev.registrykit.ServiceInstance;
import dev.registrykit.fake.FakeRegistry;
import dev.registrykit.grpc.RegistrykitNameResolverProvider;
import dev.registrykit.junit.FakeRegistryTest;
import dev.registrykit.junit.TimeScale;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.InsecureServerCredentials;
import io.grpc.ManagedChannel;
import io.grpc.NameResolverRegistry;
import io.grpc.Server;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.grpc.testing.protobuf.SimpleRequest;
import io.grpc.testing.protobuf.SimpleResponse;
import io.grpc.testing.protobuf.SimpleServiceGrpc;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The README's gRPC channel, calling a real server registered on the fake. */
@FakeRegistryTest
class GrpcChannelTest {

  @Test
  void aChannelOnTheSchemeCallsARegisteredServer(FakeRegistry registry) throws IOException, InterruptedException {
    Server server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0), InsecureServerCredentials.create())
        .addService(new SimpleServiceGrpc.SimpleServiceImplBase() {
          @Override
          public void unaryRpc(SimpleRequest request, StreamObserver<SimpleResponse> response) {
            response.onNext(SimpleResponse.newBuilder().setResponseMessage("i-1").build());
            response.onCompleted();
          }
        }).build().start();
    registry.register(ServiceInstance.of("OrderShippingService", "i-1", "http://127.0.0.1:" + server.getPort()),
        Duration.ofSeconds(30));
    // tag::grpc-channel[]
    NameResolverRegistry.getDefaultRegistry()
        .register(RegistrykitNameResolverProvider.forRegistry(registry)); // once, at start-up
    ManagedChannel channel = Grpc.newChannelBuilder("registrykit:///OrderShippingService",
            InsecureChannelCredentials.create())
        .defaultLoadBalancingPolicy("round_robin")                        // spread calls over every instance
        .build();
    // end::grpc-channel[]
    try {
      SimpleResponse answer = SimpleServiceGrpc.newBlockingStub(channel).withWaitForReady()
          .withDeadlineAfter(TimeScale.scaled(Duration.ofSeconds(10)).toMillis(), TimeUnit.MILLISECONDS).unaryRpc(SimpleRequest.getDefaultInstance());

      assertThat(answer.getResponseMessage()).isEqualTo("i-1");
    } finally {
      channel.shutdownNow().awaitTermination(TimeScale.scaled(Duration.ofSeconds(5)).toMillis(), TimeUnit.MILLISECONDS);
      NameResolverRegistry.getDefaultRegistry()
          .deregister(NameResolverRegistry.getDefaultRegistry().getProviderForScheme("registrykit"));
      server.shutdownNow().awaitTermination(TimeScale.scaled(Duration.ofSeconds(5)).toMillis(), TimeUnit.MILLISECONDS);
    }
  }
}
