package dev.registrykit.it.gonaming;

import static org.assertj.core.api.Assertions.assertThat;

import dev.registrykit.Registration;
import dev.registrykit.Registry;
import dev.registrykit.ServiceInstance;
import dev.registrykit.etcd.EtcdRegistry;
import dev.registrykit.grpc.RegistrykitNameResolverProvider;
import dev.registrykit.junit.etcd.EtcdHandle;
import dev.registrykit.junit.EtcdRegistryTest;
import dev.registrykit.junit.RegistryTime;
import dev.registrykit.junit.TimeScale;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.NameResolverRegistry;
import io.grpc.StatusRuntimeException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Interop with etcd's own Go naming (issue 28), with real processes on both sides: Go servers that
 * register with {@code client/v3/naming/endpoints} and Go clients that dial {@code etcd:///...}
 * through {@code client/v3/naming/resolver} with {@code round_robin} ({@link GoClient}: etcd 3.5.16's
 * client and grpc-go 1.64 from Debian), beside registrykit's registrations and channels, on the
 * test's etcd (3.5, and 3.4 in CI's second run). Both sides' servers answer grpc's standard health
 * check with their id.
 */
@EtcdRegistryTest
class GoNamingInteropIntegrationTest {

  private static final int TTL_SECONDS = 3;
  private static final Duration TTL = Duration.ofSeconds(TTL_SECONDS);

  private GoClient go;
  private HealthServers javaServers;
  private RegistrykitNameResolverProvider provider;
  private ManagedChannel channel;

  @BeforeEach
  void goClient(EtcdHandle etcd, RegistryTime time) {
    String missing = GoClient.missingReason();
    if (missing != null) {
      if ("true".equals(System.getenv("REGISTRYKIT_ETCD_REQUIRED"))
          || "true".equals(System.getProperty("registrykit.etcd.required"))) {
        Assertions.fail(missing); // CI: never skipped
      }
      Assumptions.abort(missing);
    }
    go = new GoClient(etcd.endpoints().get(0), time.eventuallyTimeout());
    javaServers = new HealthServers();
  }

  @AfterEach
  void close() throws InterruptedException {
    if (channel != null) {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS); // time: load-free (cleanup after shutdownNow)
      NameResolverRegistry.getDefaultRegistry().deregister(provider);
    }
    if (go != null) {
      go.close();
      javaServers.close();
    }
  }

  // ------------------------------------------------------------------ Go registers, registrykit calls

  @Test
  void goEndpointsKeyedByAddressAndByIdGetOurChannelsCallsRoundRobin(Registry registry, RegistryTime time) {
    String target = namespace(registry) + "/GoGreeter"; // endpoints.NewManager(client, target)
    GoClient.Proc byAddress = go.serve(target, "addr", "go-a", TTL_SECONDS);
    go.serve(target, "e1", "go-b", TTL_SECONDS);

    ManagedChannel calls = channel(registry, "GoGreeter");

    awaitAnswering(time, calls, Set.of("go-a", "go-b"));
    assertThat(registry.instances("GoGreeter")).extracting(ServiceInstance::instanceId)
        .containsExactlyInAnyOrder(byAddress.addr().replace(":", "%3A"), "e1");
  }

  @Test
  void goClosingCleanlyOrDeletingItsEndpointOrKilledStopsOurCalls(Registry registry, RegistryTime time) {
    String target = namespace(registry) + "/GoGreeter";
    GoClient.Proc closing = go.serve(target, "addr", "go-a", TTL_SECONDS);
    GoClient.Proc deleting = go.serve(target, "e1", "go-b", TTL_SECONDS);
    GoClient.Proc killed = go.serve(target, "e2", "go-c", TTL_SECONDS);
    go.serve(target, "e3", "go-d", TTL_SECONDS);
    ManagedChannel calls = channel(registry, "GoGreeter");
    awaitAnswering(time, calls, Set.of("go-a", "go-b", "go-c", "go-d"));

    closing.closeCleanly();
    awaitAnswering(time, calls, Set.of("go-b", "go-c", "go-d"));
    deleting.send("delete"); // DeleteEndpoint: its server still runs
    deleting.awaitLine(line -> line.startsWith("DELETED "));
    awaitAnswering(time, calls, Set.of("go-c", "go-d"));
    killed.kill(); // kill -9: its key stays until the lease runs out
    awaitAnswering(time, calls, Set.of("go-d"));
  }

  // ------------------------------------------------------------------ registrykit registers, Go calls

  @Test
  void ourRegistrationsGetAGoClientsCallsWithTheStandardThreeSlashTarget(EtcdHandle etcd, Registry registry,
      RegistryTime time) {
    String namespace = namespace(registry).substring(1); // the Go-guide layout: no leading '/'
    try (EtcdRegistry goFriendly = EtcdRegistry.builder().withEndpoints(etcd.endpoints()).withNamespace(namespace)
        .withGoNamingAddr().build()) {
      javaServers.add("java-1").add("java-2");
      Registration first = goFriendly.register(javaServer("JavaGreeter", "java-1"), TTL);
      goFriendly.register(javaServer("JavaGreeter", "java-2"), TTL);

      GoClient.Proc caller = go.call("etcd:///" + namespace + "/JavaGreeter", 10);

      awaitGoCalling(caller, Set.of("java-1", "java-2"));
      first.close(); // a clean close: Go's resolver hears the delete at once
      awaitGoCalling(caller, Set.of("java-2"));
    }
  }

  @Test
  void registrykitProcessesClosedCleanlyOrKilledAreDroppedByGoWithTheFourSlashTarget(EtcdHandle etcd, Registry registry)
      throws Exception {
    // the injected registry's namespace starts with '/': Go reaches it with etcd:////{namespace}/...
    String namespace = namespace(registry);
    Process closing = javaRegistrant(etcd, namespace, "java-1");
    Process killed = javaRegistrant(etcd, namespace, "java-2");
    Process staying = javaRegistrant(etcd, namespace, "java-3");
    GoClient.Proc caller = go.call("etcd:///" + namespace + "/JavaGreeter", 10);
    try {
      awaitGoCalling(caller, Set.of("java-1", "java-2", "java-3"));

      closing.getOutputStream().close(); // a clean shutdown: close() deletes the key
      awaitGoCalling(caller, Set.of("java-2", "java-3"));
      killed.destroyForcibly(); // kill -9: the key stays until its lease runs out (TTL 3 s)
      awaitGoCalling(caller, Set.of("java-3"));
    } finally {
      for (Process process : List.of(closing, killed, staying)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS); // time: load-free (cleanup after kill -9)
      }
    }
  }

  /** A registrykit service in a JVM of its own ({@link JavaRegistrant}), registered once this returns. */
  private static Process javaRegistrant(EtcdHandle etcd, String namespace, String id) throws Exception {
    Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), JavaRegistrant.class.getName(), etcd.endpoints().get(0).toString(),
        namespace, "JavaGreeter", id, String.valueOf(TTL_SECONDS)).redirectErrorStream(true).start();
    BufferedReader output = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    CompletableFuture<String> ready = CompletableFuture.supplyAsync(() -> {
      try {
        StringBuilder seen = new StringBuilder();
        for (String line = output.readLine(); line != null; line = output.readLine()) {
          if (line.startsWith("READY ")) {
            return line;
          }
          seen.append(line).append('\n');
        }
        throw new AssertionError("JavaRegistrant " + id + " ended before it registered:\n" + seen);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    });
    ready.get(TimeScale.scaled(Duration.ofSeconds(30)).toMillis(), TimeUnit.MILLISECONDS);
    return process;
  }

  // ------------------------------------------------------------------ bad entries beside good ones

  @Test
  void badEntriesBesideGoodOnesStopNeitherSide(EtcdHandle etcd, Client client, Registry registry, RegistryTime time) {
    String namespace = namespace(registry).substring(1);
    try (EtcdRegistry goFriendly = EtcdRegistry.builder().withEndpoints(etcd.endpoints()).withNamespace(namespace)
        .withGoNamingAddr().build()) {
      String target = namespace + "/Mixed";
      go.serve(target, "addr", "go-a", TTL_SECONDS);
      javaServers.add("java-1");
      goFriendly.register(javaServer("Mixed", "java-1"), TTL);
      putBytes(client, target + "/not-utf8", new byte[] {'{', (byte) 0xC3, (byte) 0x28, '}'});
      put(client, target + "/intl", "{\"Id\":\"intl\",\"Name\":\"Mixed\",\"Address\":\"http://héte.invalid:5000\"}");
      put(client, target + "/port0", "{\"Op\":0,\"Addr\":\"127.0.0.1:0\"}");
      put(client, target + "/port65536", "{\"Op\":0,\"Addr\":\"127.0.0.1:65536\"}");
      put(client, target + "/zone", "{\"Op\":0,\"Addr\":\"[fe80::1%nosuch9]:5000\"}");
      put(client, target + "/meta", "{\"Op\":0,\"Addr\":\"127.0.0.1:1\",\"Metadata\":[1,{\"x\":null}]}");
      put(client, target + "/huge", "{\"Op\":0,\"Addr\":\"" + "h".repeat(1 << 20) + ":1\"}");

      ManagedChannel ours = channel(goFriendly, "Mixed");
      GoClient.Proc theirs = go.call("etcd:///" + target, 10);

      awaitAnswering(time, ours, Set.of("go-a", "java-1"));
      awaitGoCalling(theirs, Set.of("go-a", "java-1"));
    }
  }

  // ------------------------------------------------------------------ helpers

  private static String namespace(Registry registry) {
    return ((EtcdRegistry) registry).namespace();
  }

  private ServiceInstance javaServer(String service, String id) {
    return ServiceInstance.of(service, id, "http://127.0.0.1:" + javaServers.port(id));
  }

  /** A round-robin channel to {@code registrykit:///{service}} on {@code registry} (made after its first call). */
  private ManagedChannel channel(Registry registry, String service) {
    registry.instances(service); // the registry's client is connected before grpc's registry gets the provider
    provider = RegistrykitNameResolverProvider.forRegistry(registry);
    NameResolverRegistry.getDefaultRegistry().register(provider);
    channel = Grpc.newChannelBuilder("registrykit:///" + service, InsecureChannelCredentials.create())
        .defaultLoadBalancingPolicy("round_robin").build();
    return channel;
  }

  private static void awaitAnswering(RegistryTime time, ManagedChannel channel, Set<String> expected) {
    Awaitility.await().atMost(time.eventuallyTimeout()).pollInterval(Duration.ofMillis(20))
        .ignoreExceptionsInstanceOf(StatusRuntimeException.class)
        .untilAsserted(() -> {
          Set<String> answered = new TreeSet<>();
          for (int i = 0; i < 4 * expected.size(); i++) {
            answered.add(HealthServers.call(channel));
          }
          assertThat(answered).isEqualTo(new TreeSet<>(expected));
        });
  }

  /** Waits until the Go client's last {@code 4 x expected} calls went to exactly {@code expected}. */
  private static void awaitGoCalling(GoClient.Proc caller, Set<String> expected) {
    Awaitility.await().atMost(TimeScale.scaled(Duration.ofSeconds(20))).pollInterval(Duration.ofMillis(50))
        .untilAsserted(() -> {
          List<String> calls = caller.calledSince(0);
          int window = 4 * expected.size();
          assertThat(calls).as("the Go client's output: %s", caller.lines).hasSizeGreaterThanOrEqualTo(window);
          assertThat(new TreeSet<>(calls.subList(calls.size() - window, calls.size())))
              .isEqualTo(new TreeSet<>(expected));
        });
  }

  private static void put(Client client, String key, String value) {
    putBytes(client, key, value.getBytes(StandardCharsets.UTF_8));
  }

  private static void putBytes(Client client, String key, byte[] value) {
    client.getKVClient().put(ByteSequence.from(key, StandardCharsets.UTF_8), ByteSequence.from(value))
        .orTimeout(TimeScale.scaled(Duration.ofSeconds(5)).toMillis(), TimeUnit.MILLISECONDS).join();
  }
}
