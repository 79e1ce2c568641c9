package dev.registrykit.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.registrykit.Registration;
import dev.registrykit.Registry;
import dev.registrykit.ServiceInstance;
import dev.registrykit.junit.BackendControls;
import dev.registrykit.junit.RegistryTest;
import dev.registrykit.junit.RegistryTime;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * A real grpc-java channel with {@code round_robin} on {@code registrykit:///greeter}, calling real
 * servers on 127.0.0.1 that answer with their own id, on the fake and on etcd. The registry side
 * moves as each backend does (the fake's clock, etcd's real time); the channel side is grpc's own
 * threads, waited for with Awaitility, bounded.
 */
class ResolvedChannelTest {

  private static final String GREETER = "greeter";
  private static final Duration TTL = Duration.ofSeconds(2);
  private static final int ROUND = 12;

  @RegistryTest
  void callsSpreadOverEveryRegisteredServer(Registry registry, RegistryTime time) {
    try (IdServers servers = IdServers.start(3); Channels channels = new Channels(registry, time.eventuallyTimeout())) {
      for (String id : new String[] {"s-1", "s-2", "s-3"}) {
        registry.register(servers.instance(GREETER, id), TTL);
      }
      ManagedChannel channel = channels.roundRobin(GREETER);

      channels.awaitAnswering(channel, ROUND, Set.of("s-1", "s-2", "s-3"));
      assertThat(Channels.answering(channel, 3 * ROUND)).containsExactly("s-1", "s-2", "s-3");
    }
  }

  @RegistryTest
  void aNewRegistrationReceivesTraffic(Registry registry, RegistryTime time) {
    try (IdServers servers = IdServers.start(3); Channels channels = new Channels(registry, time.eventuallyTimeout())) {
      registry.register(servers.instance(GREETER, "s-1"), TTL);
      registry.register(servers.instance(GREETER, "s-2"), TTL);
      ManagedChannel channel = channels.roundRobin(GREETER);
      channels.awaitAnswering(channel, ROUND, Set.of("s-1", "s-2"));

      registry.register(servers.instance(GREETER, "s-3"), TTL);

      channels.awaitAnswering(channel, ROUND, Set.of("s-1", "s-2", "s-3"));
    }
  }

  @RegistryTest
  void aDeregisteredServerStopsReceivingTraffic(Registry registry, RegistryTime time) {
    try (IdServers servers = IdServers.start(3); Channels channels = new Channels(registry, time.eventuallyTimeout())) {
      ManagedChannel channel = channels.roundRobin(GREETER);
      Registration leaving = registerThreeAndAwaitAll(registry, servers, channels, channel);

      leaving.close(); // a clean shutdown: the server still runs, but is no longer registered

      awaitOnlyTheFirstTwo(channels, channel);
    }
  }

  @RegistryTest
  void anExpiredServerStopsReceivingTraffic(Registry registry, RegistryTime time) {
    try (IdServers servers = IdServers.start(3); Channels channels = new Channels(registry, time.eventuallyTimeout())) {
      ManagedChannel channel = channels.roundRobin(GREETER);
      Registration crashing = registerThreeAndAwaitAll(registry, servers, channels, channel);

      time.crash(crashing);       // keep-alive stops, the key stays until its lease runs out
      time.awaitExpiry(crashing); // fake: the clock jumps past the TTL; etcd: ~TTL

      awaitOnlyTheFirstTwo(channels, channel);
    }
  }

  @RegistryTest
  void noInstanceIsUnavailableAndAWaitForReadyCallCompletesOnceOneRegisters(Registry registry, RegistryTime time) {
    try (IdServers servers = IdServers.start(1); Channels channels = new Channels(registry, time.eventuallyTimeout())) {
      ManagedChannel channel = channels.roundRobin(GREETER);

      channels.await(() -> assertThatThrownBy(() -> Channels.call(channel))
          .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
            assertThat(e.getStatus().getDescription()).contains("no instance of greeter is registered");
          }));
      CompletableFuture<String> waiting = CompletableFuture.supplyAsync(() -> Channels.call(channel,
          CallOptions.DEFAULT.withWaitForReady().withDeadline(Channels.deadline(Duration.ofSeconds(30)))));
      channels.await(() -> assertThat(channel.getState(false)).hasToString("TRANSIENT_FAILURE"));
      assertThat(waiting).as("a wait-for-ready call waits while no instance is registered").isNotDone();

      registry.register(servers.instance(GREETER, "s-1"), TTL);

      channels.await(() -> assertThat(waiting).isCompletedWithValue("s-1"));
    }
  }

  /**
   * grpc keeps a working connection when resolution turns empty (or fails): the last instance's
   * calls end when its server does, as one that shuts down cleanly or crashes does.
   */
  @RegistryTest
  void whenTheLastInstanceGoesAndItsServerStopsCallsAreUnavailableUntilAnotherRegisters(Registry registry,
      RegistryTime time) {
    try (IdServers servers = IdServers.start(2); Channels channels = new Channels(registry, time.eventuallyTimeout())) {
      Registration last = registry.register(servers.instance(GREETER, "s-1"), TTL);
      ManagedChannel channel = channels.roundRobin(GREETER);
      channels.awaitAnswering(channel, ROUND, Set.of("s-1"));

      last.close();
      servers.stop("s-1");

      channels.await(() -> assertThatThrownBy(() -> Channels.call(channel))
          .isInstanceOfSatisfying(StatusRuntimeException.class,
              e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE)));
      CompletableFuture<String> waiting = CompletableFuture.supplyAsync(() -> Channels.call(channel,
          CallOptions.DEFAULT.withWaitForReady().withDeadline(Channels.deadline(Duration.ofSeconds(30)))));
      registry.register(servers.instance(GREETER, "s-2"), TTL);
      channels.await(() -> assertThat(waiting).isCompletedWithValue("s-2"));
    }
  }

  @RegistryTest
  void theGrpcPortMetadataEntryWinsOverTheAddressPort(Registry registry, RegistryTime time) {
    try (IdServers servers = IdServers.start(1); Channels channels = new Channels(registry, time.eventuallyTimeout())) {
      // the address names the HTTP side (port 1: nothing listens there); gRPC is on the server's port
      registry.register(ServiceInstance.of(GREETER, "s-1", "http://127.0.0.1:1")
          .withMetadata(RegistrykitNameResolverProvider.GRPC_PORT_METADATA_KEY, String.valueOf(servers.port("s-1"))), TTL);
      ManagedChannel channel = channels.roundRobin(GREETER);

      channels.awaitAnswering(channel, ROUND, Set.of("s-1"));
    }
  }

  @RegistryTest
  void aGoNamingEndpointIsResolved(Registry registry, BackendControls backend, RegistryTime time) {
    try (IdServers servers = IdServers.start(2); Channels channels = new Channels(registry, time.eventuallyTimeout())) {
      registry.register(servers.instance(GREETER, "s-1"), TTL);
      // what a Go service writes through go.etcd.io/etcd/client/v3/naming/endpoints
      backend.putRaw(GREETER, "go-1", "{\"Op\":0,\"Addr\":\"127.0.0.1:" + servers.port("s-2") + "\",\"Metadata\":null}");
      ManagedChannel channel = channels.roundRobin(GREETER);

      channels.awaitAnswering(channel, ROUND, Set.of("s-1", "s-2"));

      backend.deleteRaw(GREETER, "go-1");
      channels.awaitAnswering(channel, ROUND, Set.of("s-1"));
    }
  }

  @RegistryTest
  void anUnreachableRegistryKeepsTheLastAddresses(Registry registry, BackendControls backend, RegistryTime time) {
    try (IdServers servers = IdServers.start(3); Channels channels = new Channels(registry, time.eventuallyTimeout())) {
      registry.register(servers.instance(GREETER, "s-1"), Duration.ofSeconds(30));
      registry.register(servers.instance(GREETER, "s-2"), Duration.ofSeconds(30));
      ManagedChannel channel = channels.roundRobin(GREETER);
      channels.awaitAnswering(channel, ROUND, Set.of("s-1", "s-2"));

      backend.makeUnavailable();
      try {
        time.elapse(Duration.ofSeconds(3)); // calls to the registry fail meanwhile; the channel does not care
        assertThat(Channels.answering(channel, ROUND)).containsExactly("s-1", "s-2");
        backend.putRaw(GREETER, "s-3", "{\"Id\":\"s-3\",\"Name\":\"greeter\",\"Address\":\"http://127.0.0.1:"
            + servers.port("s-3") + "\"}"); // written by another program while we are cut off
      } finally {
        backend.heal();
      }

      channels.awaitAnswering(channel, ROUND, Set.of("s-1", "s-2", "s-3")); // resynchronised
    }
  }

  @RegistryTest
  void aRegistryUnreachableWhenTheChannelStartsIsRetriedByGrpc(Registry registry, BackendControls backend,
      RegistryTime time) {
    try (IdServers servers = IdServers.start(1); Channels channels = new Channels(registry, time.eventuallyTimeout())) {
      registry.register(servers.instance(GREETER, "s-1"), Duration.ofSeconds(30));
      backend.makeUnavailable();
      ManagedChannel channel;
      try {
        channel = channels.roundRobin(GREETER);
        channels.await(() -> assertThatThrownBy(() -> Channels.call(channel))
            .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
              assertThat(e.getStatus().getDescription()).contains("registrykit cannot follow greeter");
            }));
      } finally {
        backend.heal();
      }

      channels.awaitAnswering(channel, ROUND, Set.of("s-1")); // grpc called refresh() after its backoff
    }
  }

  /** s-1 to s-3 registered, and calls on {@code channel} reaching all three; returns s-3's registration. */
  private static Registration registerThreeAndAwaitAll(Registry registry, IdServers servers, Channels channels,
      ManagedChannel channel) {
    registry.register(servers.instance(GREETER, "s-1"), TTL);
    registry.register(servers.instance(GREETER, "s-2"), TTL);
    Registration third = registry.register(servers.instance(GREETER, "s-3"), TTL);
    channels.awaitAnswering(channel, ROUND, Set.of("s-1", "s-2", "s-3"));
    return third;
  }

  /** Calls reach s-1 and s-2 only, and go on doing so. */
  private static void awaitOnlyTheFirstTwo(Channels channels, ManagedChannel channel) {
    channels.awaitAnswering(channel, ROUND, Set.of("s-1", "s-2"));
    assertThat(Channels.answering(channel, 5 * ROUND)).containsExactly("s-1", "s-2");
  }
}
