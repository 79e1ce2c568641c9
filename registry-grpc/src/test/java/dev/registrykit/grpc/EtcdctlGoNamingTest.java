package dev.registrykit.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.registrykit.Registry;
import dev.registrykit.ServiceInstance;
import dev.registrykit.etcd.EtcdRegistry;
import dev.registrykit.junit.Backend;
import dev.registrykit.junit.etcd.EtcdHandle;
import dev.registrykit.junit.BackendControls;
import dev.registrykit.junit.RegistryTest;
import dev.registrykit.junit.RegistryTime;
import dev.registrykit.junit.TimeScale;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Interop with etcd's Go {@code naming/endpoints}, with the values written and read by {@code
 * etcdctl} (Debian's {@code etcd-client}) on the test's etcd: a Go-format endpoint is resolved by a
 * channel, and the {@code Addr} we write on request is what a Go resolver would dial.
 */
@RegistryTest(backends = Backend.ETCD)
class EtcdctlGoNamingTest {

  private static final String GREETER = "greeter";
  private static final Duration TTL = Duration.ofSeconds(2);

  @RegistryTest
  void aGoEndpointWrittenByEtcdctlIsResolvedByTheChannel(Registry registry, BackendControls backend, EtcdHandle etcd,
      RegistryTime time) {
    try (IdServers servers = IdServers.start(2); Channels channels = new Channels(registry, time.eventuallyTimeout())) {
      registry.register(servers.instance(GREETER, "s-1"), TTL);
      etcdctl(etcd, "put", backend.namespace() + "/" + GREETER + "/go-1",
          "{\"Op\":0,\"Addr\":\"127.0.0.1:" + servers.port("s-2") + "\",\"Metadata\":null}");
      ManagedChannel channel = channels.roundRobin(GREETER);

      channels.awaitAnswering(channel, 12, Set.of("s-1", "s-2")); // s-2 is only known from the Go value

      assertThat(registry.instances(GREETER)).contains(
          ServiceInstance.of(GREETER, "go-1", "grpc://127.0.0.1:" + servers.port("s-2")));
      etcdctl(etcd, "del", backend.namespace() + "/" + GREETER + "/go-1");
      channels.awaitAnswering(channel, 12, Set.of("s-1"));
    }
  }

  @RegistryTest
  void theAddrWeWriteOnRequestIsWhatAGoResolverDials(BackendControls backend, EtcdHandle etcd) throws Exception {
    try (IdServers servers = IdServers.start(1);
         EtcdRegistry goFriendly = EtcdRegistry.builder().withEndpoints(etcd.endpoints())
             .withNamespace(backend.namespace()).withGoNamingAddr()
             .withCallTimeout(TimeScale.scaled(Duration.ofSeconds(5))).build()) {
      // HTTP on one port (nothing listens on 1), gRPC on the server's: Addr names the gRPC one
      goFriendly.register(ServiceInstance.of(GREETER, "i-1", "http://127.0.0.1:1")
          .withMetadata(RegistrykitNameResolverProvider.GRPC_PORT_METADATA_KEY, String.valueOf(servers.port("s-1"))), TTL);

      String value = etcdctl(etcd, "get", "--print-value-only", backend.namespace() + "/" + GREETER + "/i-1").trim();

      assertThat(value).startsWith("{\"Id\":\"i-1\",\"Name\":\"greeter\",\"Address\":\"http://127.0.0.1:1\"")
          .endsWith(",\"Addr\":\"127.0.0.1:" + servers.port("s-1") + "\"}");
      Matcher addr = Pattern.compile("\"Addr\":\"([^\"]+)\"").matcher(value);
      assertThat(addr.find()).isTrue();
      ManagedChannel direct = Grpc.newChannelBuilder(addr.group(1), InsecureChannelCredentials.create()).build();
      try {
        assertThat(Channels.call(direct)).isEqualTo("s-1"); // what grpc-go's resolver would be given
      } finally {
        Channels.shutDown(direct);
      }
    }
  }

  /** Runs {@code etcdctl} (API v3) on the test's etcd and returns its output; fails on a non-zero exit. */
  static String etcdctl(EtcdHandle etcd, String... arguments) {
    List<String> command = new ArrayList<>(List.of("etcdctl", "--endpoints=" + etcd.endpoints().get(0),
        "--command-timeout=" + TimeScale.scaled(Duration.ofSeconds(5)).toMillis() + "ms"));
    command.addAll(List.of(arguments));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().put("ETCDCTL_API", "3");
    try {
      Process process = builder.start();
      Duration bound = TimeScale.scaled(Duration.ofSeconds(15));
      if (!process.waitFor(bound.toNanos(), TimeUnit.NANOSECONDS)) {
        process.destroyForcibly();
        throw new AssertionError("etcdctl did not finish within " + bound + " (15 s scaled): " + command);
      }
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(process.exitValue()).as("etcdctl %s said: %s", command, output).isZero();
      return output;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run etcdctl (Debian package etcd-client): " + command, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while etcdctl ran", e);
    }
  }
}
