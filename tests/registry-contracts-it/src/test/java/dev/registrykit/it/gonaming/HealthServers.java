package dev.registrykit.it.gonaming;

import io.grpc.CallOptions;
import io.grpc.ClientInterceptors;
import io.grpc.ForwardingServerCall;
import io.grpc.InsecureServerCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import dev.registrykit.junit.TimeScale;
import io.grpc.stub.ServerCalls;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Java gRPC servers on 127.0.0.1 that answer grpc's standard {@code grpc.health.v1.Health/Check}
 * with {@code SERVING} and the header {@code x-server-id}, as the Go servers do, so either side's
 * client tells which server answered. The messages are written by hand (one enum field), so no
 * generated code is needed on either side.
 */
final class HealthServers implements AutoCloseable {

  static final Metadata.Key<String> SERVER_ID = Metadata.Key.of("x-server-id", Metadata.ASCII_STRING_MARSHALLER);
  private static final MethodDescriptor.Marshaller<byte[]> BYTES = new MethodDescriptor.Marshaller<>() {
    @Override
    public InputStream stream(byte[] value) {
      return new ByteArrayInputStream(value);
    }

    @Override
    public byte[] parse(InputStream stream) {
      try {
        return stream.readAllBytes();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  };
  static final MethodDescriptor<byte[], byte[]> CHECK = MethodDescriptor.<byte[], byte[]>newBuilder()
      .setType(MethodDescriptor.MethodType.UNARY).setFullMethodName("grpc.health.v1.Health/Check")
      .setRequestMarshaller(BYTES).setResponseMarshaller(BYTES).build();
  /** HealthCheckResponse{status: SERVING}: field 1, varint 1. */
  private static final byte[] SERVING = {0x08, 0x01};

  private final Map<String, Server> servers = new LinkedHashMap<>();

  /** Starts a server answering with {@code id}. */
  HealthServers add(String id) {
    ServerServiceDefinition health = ServerServiceDefinition.builder("grpc.health.v1.Health")
        .addMethod(CHECK, ServerCalls.asyncUnaryCall((request, response) -> {
          response.onNext(SERVING);
          response.onCompleted();
        })).build();
    ServerInterceptor tagging = new ServerInterceptor() {
      @Override
      public <Q, A> ServerCall.Listener<Q> interceptCall(ServerCall<Q, A> call, Metadata headers,
          ServerCallHandler<Q, A> next) {
        return next.startCall(new ForwardingServerCall.SimpleForwardingServerCall<>(call) {
          @Override
          public void sendHeaders(Metadata responseHeaders) {
            responseHeaders.put(SERVER_ID, id);
            super.sendHeaders(responseHeaders);
          }
        }, headers);
      }
    };
    Server server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0), InsecureServerCredentials.create())
        .addService(ServerInterceptors.intercept(health, tagging)).build();
    try {
      server.start();
    } catch (IOException e) {
      throw new UncheckedIOException("server " + id + " did not start", e);
    }
    servers.put(id, server);
    return this;
  }

  int port(String id) {
    return servers.get(id).getPort();
  }

  /** One health check on {@code channel}: the id of the server that answered. */
  static String call(ManagedChannel channel) {
    AtomicReference<Metadata> headers = new AtomicReference<>();
    ClientCalls.blockingUnaryCall(ClientInterceptors.intercept(channel,
            MetadataUtils.newCaptureMetadataInterceptor(headers, new AtomicReference<>())),
        CHECK, CallOptions.DEFAULT.withDeadlineAfter(TimeScale.scaled(Duration.ofSeconds(2)).toMillis(), TimeUnit.MILLISECONDS), new byte[0]);
    return headers.get().get(SERVER_ID);
  }

  @Override
  public void close() {
    servers.values().forEach(Server::shutdownNow);
    for (Server server : servers.values()) {
      try {
        server.awaitTermination(5, TimeUnit.SECONDS); // time: load-free (cleanup after shutdownNow)
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
