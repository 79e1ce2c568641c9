package dev.registrykit.junit.internal;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.PortBinding;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * etcd in a Docker container started through Testcontainers. The client port is bound to a fixed
 * free loopback port chosen up front, so the endpoint survives docker stop/start and kill/start.
 * Labelled {@code dev.registrykit=true} and with this JVM's session id, and removed on close.
 */
final class ContainerEtcd implements EtcdServer {

  /** Labels every container of this JVM, so tests can find leftovers. */
  static final String SESSION = UUID.randomUUID().toString();
  static final String LABEL = "dev.registrykit";
  static final String SESSION_LABEL = "dev.registrykit.session";

  private static final Duration STARTUP = Duration.ofSeconds(60);

  private final String image;
  private final int hostPort;
  private final URI endpoint;
  private final GenericContainer<?> container;
  /** What the fault controls left it in; guarded by {@code this}. */
  private State state = State.SERVING;
  private volatile boolean closed;

  private enum State { SERVING, PAUSED, DOWN }

  @SuppressWarnings("resource")
  ContainerEtcd(String image) {
    this.image = image;
    this.hostPort = Ports.free();
    this.endpoint = URI.create("http://127.0.0.1:" + hostPort);
    List<String> command = new ArrayList<>();
    command.add("etcd");
    command.addAll(EtcdFlags.singleMember("/var/lib/registrykit-etcd", "http://0.0.0.0:2379", endpoint.toString(),
        "http://127.0.0.1:2380", "http://0.0.0.0:2380"));
    this.container = new GenericContainer<>(DockerImageName.parse(image))
        .withLabels(Map.of(LABEL, "true", SESSION_LABEL, SESSION))
        .withCommand(command.toArray(String[]::new))
        .withCreateContainerCmdModifier(cmd -> {
          ExposedPort client = ExposedPort.tcp(2379);
          cmd.withExposedPorts(client);
          HostConfig hostConfig = cmd.getHostConfig() != null ? cmd.getHostConfig() : HostConfig.newHostConfig();
          cmd.withHostConfig(hostConfig.withPortBindings(new PortBinding(
              com.github.dockerjava.api.model.Ports.Binding.bindIpAndPort("127.0.0.1", hostPort), client)));
        });
    Cleanup.track(this);
    try {
      container.start();
      Health.await(endpoint, STARTUP, "etcd container of " + image);
    } catch (RuntimeException e) {
      String logs = logs();
      close();
      throw new IllegalStateException("could not start etcd from image " + image + ": " + e.getMessage()
          + (logs.isEmpty() ? "" : "\n--- container log ---\n" + logs), e);
    }
  }

  private String logs() {
    try {
      String all = container.getLogs();
      return all.length() > 4000 ? all.substring(all.length() - 4000) : all;
    } catch (RuntimeException e) {
      return "";
    }
  }

  private DockerClient docker() {
    return container.getDockerClient();
  }

  @Override
  public String backend() {
    return "container";
  }

  @Override
  public List<URI> endpoints() {
    return List.of(endpoint);
  }

  @Override
  public synchronized void pause() {
    docker().pauseContainerCmd(container.getContainerId()).exec();
    state = State.PAUSED;
  }

  @Override
  public synchronized void unpause() {
    docker().unpauseContainerCmd(container.getContainerId()).exec();
    state = State.SERVING;
  }

  @Override
  public synchronized void stop() {
    docker().stopContainerCmd(container.getContainerId()).withTimeout(10).exec();
    state = State.DOWN;
  }

  @Override
  public synchronized void start() {
    if (state == State.PAUSED) {
      unpause();
    }
    if (state == State.DOWN) {
      docker().startContainerCmd(container.getContainerId()).exec();
      state = State.SERVING;
    }
    Health.await(endpoint, STARTUP, "etcd container of " + image);
  }

  @Override
  public synchronized void kill() {
    docker().killContainerCmd(container.getContainerId()).exec();
    state = State.DOWN;
  }

  @Override
  public synchronized void restore() {
    if (state != State.SERVING) {
      start();
    }
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    Cleanup.untrack(this);
    try {
      container.stop(); // stops and removes the container (and its anonymous volumes)
    } catch (RuntimeException e) {
      System.err.println("registrykit: could not remove etcd container " + container.getContainerId() + ": " + e);
    }
  }

  @Override
  public String toString() {
    return "etcd container " + image + " at " + endpoint;
  }
}
