package dev.registrykit.grpc;

import dev.registrykit.ServiceInstance;
import dev.registrykit.junit.TimeScale;
import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.grpc.testing.protobuf.SimpleRequest;
import io.grpc.testing.protobuf.SimpleResponse;
import io.grpc.testing.protobuf.SimpleServiceGrpc;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Real gRPC servers on 127.0.0.1, each answering {@code SimpleService/UnaryRpc} with its own id. */
final class IdServers implements AutoCloseable {

  private final Map<String, Server> servers = new LinkedHashMap<>();

  /** Servers {@code s-1} to {@code s-count}, each on a port of its own. */
  static IdServers start(int count) {
    IdServers started = new IdServers();
    try {
      for (int i = 1; i <= count; i++) {
        started.add("s-" + i);
      }
      return started;
    } catch (RuntimeException e) {
      started.close();
      throw e;
    }
  }

  /** One more server answering {@code id}. */
  IdServers add(String id) {
    Server server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0), InsecureServerCredentials.create())
        .addService(new SimpleServiceGrpc.SimpleServiceImplBase() {
          @Override
          public void unaryRpc(SimpleRequest request, StreamObserver<SimpleResponse> response) {
            response.onNext(SimpleResponse.newBuilder().setResponseMessage(id).build());
            response.onCompleted();
          }
        }).build();
    try {
      server.start();
    } catch (IOException e) {
      throw new UncheckedIOException("server " + id + " did not start", e);
    }
    servers.put(id, server);
    return this;
  }

  /** Stops server {@code id} (its port stays known), as a process that shuts down does. */
  void stop(String id) {
    Server server = servers.get(id);
    server.shutdownNow();
    try {
      server.awaitTermination(TimeScale.scaled(Duration.ofSeconds(5)).toNanos(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  int port(String id) {
    return servers.get(id).getPort();
  }

  /** The instance of server {@code id} in {@code service}: address {@code http://127.0.0.1:{port}}. */
  ServiceInstance instance(String service, String id) {
    return ServiceInstance.of(service, id, "http://127.0.0.1:" + port(id));
  }

  @Override
  public void close() {
    servers.values().forEach(Server::shutdownNow);
    for (Server server : servers.values()) {
      try {
        server.awaitTermination(TimeScale.scaled(Duration.ofSeconds(5)).toNanos(), TimeUnit.NANOSECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
