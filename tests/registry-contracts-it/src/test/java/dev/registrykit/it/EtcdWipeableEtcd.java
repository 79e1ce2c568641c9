package dev.registrykit.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.PortBinding;
import dev.registrykit.junit.TimeScale;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.images.builder.Transferable;
import org.testcontainers.utility.DockerImageName;

/**
 * A test-local etcd container (image from {@code REGISTRYKIT_ETCD_IMAGE}) whose client port is bound
 * to one fixed loopback port for its whole life, so that {@link #wipe()} can remove the container and
 * start a fresh one, with no data, at the same endpoint: what clients see when etcd loses its data
 * dir. Labelled {@code dev.registrykit=true}; {@link #close()} removes it.
 */
final class EtcdWipeableEtcd implements AutoCloseable {

  /** How long a fresh etcd may take to be healthy on a quiet machine (scaled where it is waited for). */
  private static final Duration STARTUP = Duration.ofSeconds(60);
  /** How long one health probe may take on a quiet machine (scaled where it is made). */
  private static final Duration PROBE = Duration.ofMillis(500);

  private final String image;
  private final int hostPort;
  private final URI endpoint;
  private final List<String> extraFlags;
  private final Map<String, Transferable> files;
  private final Map<Integer, Integer> extraHostPorts = new java.util.LinkedHashMap<>();
  private GenericContainer<?> container;

  /** Starts etcd with the usual single-member flags plus {@code extraFlags}, with {@code files} copied in. */
  EtcdWipeableEtcd(List<String> extraFlags, Map<String, Transferable> files) {
    this(extraFlags, files, List.of());
  }

  /**
   * As {@link #EtcdWipeableEtcd(List, Map)}, with the container ports {@code extraPorts} (a second
   * client listener that {@code extraFlags} adds, say) bound to loopback ports too; see {@link #hostPort}.
   */
  EtcdWipeableEtcd(List<String> extraFlags, Map<String, Transferable> files, List<Integer> extraPorts) {
    for (int port : extraPorts) {
      extraHostPorts.put(port, freePort());
    }
    this.image = System.getenv().getOrDefault("REGISTRYKIT_ETCD_IMAGE",
        System.getProperty("registrykit.etcd.image", "gcr.io/etcd-development/etcd:v3.5.21"));
    this.hostPort = freePort();
    this.endpoint = URI.create("http://127.0.0.1:" + hostPort);
    this.extraFlags = List.copyOf(extraFlags);
    this.files = Map.copyOf(files);
    start();
  }

  EtcdWipeableEtcd() {
    this(List.of(), Map.of());
  }

  String endpoint() {
    return endpoint.toString();
  }

  /** The loopback port to which the container's {@code containerPort} (one of the extra ports) is bound. */
  int hostPort(int containerPort) {
    return extraHostPorts.get(containerPort);
  }

  /**
   * Restarts etcd in the same container, with its data (and its users, roles and auth state), at the
   * same endpoint; its counters in {@code /metrics} start again from zero. Returns once it is healthy.
   */
  void restart() {
    int stopSeconds = (int) Math.ceil(10 * TimeScale.current()); // docker's grace before it kills etcd
    container.getDockerClient().restartContainerCmd(container.getContainerId()).withTimeout(stopSeconds).exec();
    Awaitility.await("etcd at " + endpoint + " to be healthy after a restart").pollInterval(Duration.ofMillis(50))
        .atMost(TimeScale.scaled(STARTUP)).ignoreExceptions().until(this::healthy);
  }

  /** Removes the container with its data and starts a fresh etcd at the same endpoint. */
  void wipe() {
    remove();
    start();
  }

  @SuppressWarnings("resource")
  private void start() {
    List<String> command = new ArrayList<>(List.of("etcd",
        "--name", "registrykit",
        "--data-dir", "/var/lib/registrykit-etcd",
        "--listen-client-urls", "http://0.0.0.0:2379",
        "--advertise-client-urls", endpoint.toString(),
        "--listen-peer-urls", "http://0.0.0.0:2380",
        "--initial-advertise-peer-urls", "http://127.0.0.1:2380",
        "--initial-cluster", "registrykit=http://127.0.0.1:2380",
        "--initial-cluster-state", "new",
        "--heartbeat-interval", "10",
        "--election-timeout", "100"));
    command.addAll(extraFlags);
    GenericContainer<?> fresh = new GenericContainer<>(DockerImageName.parse(image))
        .withLabels(Map.of("dev.registrykit", "true"))
        .withCommand(command.toArray(String[]::new))
        .withCreateContainerCmdModifier(cmd -> {
          List<ExposedPort> exposed = new ArrayList<>(List.of(ExposedPort.tcp(2379)));
          List<PortBinding> bindings = new ArrayList<>(List.of(new PortBinding(
              com.github.dockerjava.api.model.Ports.Binding.bindIpAndPort("127.0.0.1", hostPort), exposed.get(0))));
          extraHostPorts.forEach((port, host) -> {
            exposed.add(ExposedPort.tcp(port));
            bindings.add(new PortBinding(com.github.dockerjava.api.model.Ports.Binding.bindIpAndPort("127.0.0.1", host),
                ExposedPort.tcp(port)));
          });
          cmd.withExposedPorts(exposed);
          HostConfig hostConfig = cmd.getHostConfig() != null ? cmd.getHostConfig() : HostConfig.newHostConfig();
          cmd.withHostConfig(hostConfig.withPortBindings(bindings));
        });
    files.forEach((path, content) -> fresh.withCopyToContainer(content, path));
    container = fresh;
    try {
      fresh.start();
      Awaitility.await("etcd at " + endpoint + " to be healthy").pollInterval(Duration.ofMillis(50))
          .atMost(TimeScale.scaled(STARTUP)).ignoreExceptions().until(this::healthy);
    } catch (RuntimeException e) {
      String logs = "";
      try {
        logs = fresh.getLogs();
      } catch (RuntimeException ignored) {
        // reported without logs
      }
      remove();
      throw new IllegalStateException("could not start etcd from " + image + " at " + endpoint + ": " + e
          + "\n--- container log ---\n" + logs, e);
    }
  }

  private boolean healthy() throws IOException {
    HttpURLConnection connection = (HttpURLConnection) endpoint.resolve("/health").toURL().openConnection();
    int probe = Math.toIntExact(TimeScale.scaled(PROBE).toMillis());
    connection.setConnectTimeout(probe);
    connection.setReadTimeout(probe);
    try (InputStream body = connection.getInputStream()) {
      String text = new String(body.readAllBytes(), StandardCharsets.UTF_8);
      return connection.getResponseCode() == 200 && text.replace(" ", "").contains("\"health\":\"true\"");
    } finally {
      connection.disconnect();
    }
  }

  private void remove() {
    GenericContainer<?> current = container;
    container = null;
    if (current != null) {
      current.stop(); // stops and removes the container and its anonymous volumes
    }
  }

  @Override
  public void close() {
    remove();
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      socket.setReuseAddress(true);
      int port = socket.getLocalPort();
      assertThat(port).isPositive();
      return port;
    } catch (IOException e) {
      throw new UncheckedIOException("no free loopback port", e);
    }
  }

  @Override
  public String toString() {
    return "test-local etcd " + image + " at " + endpoint;
  }
}
