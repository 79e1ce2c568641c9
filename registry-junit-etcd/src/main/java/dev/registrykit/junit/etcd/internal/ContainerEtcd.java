package dev.registrykit.junit.etcd.internal;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.ContainerNetwork;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.PortBinding;
import dev.registrykit.junit.TimeScale;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Collectors;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * etcd in Docker containers started through Testcontainers, one per member. Each client port is
 * bound on the default bridge to a fixed free loopback port chosen up front, so endpoints survive
 * docker stop/start, kill/start and {@link #wipe()}. Members of a cluster also join a Docker network
 * of their own and reach their peers there by alias ({@code etcd-0}, ...): disconnecting a member
 * from that network partitions it while its client port stays reachable. Containers and network are
 * labelled {@code dev.registrykit=true} and with this JVM's session id, and removed on close.
 */
final class ContainerEtcd extends ControlledEtcd {

  private static final System.Logger LOG = System.getLogger(ContainerEtcd.class.getName());

  /** Labels every container and network of this JVM, so tests can find leftovers. */
  static final String SESSION = UUID.randomUUID().toString();
  static final String LABEL = "dev.registrykit";
  static final String SESSION_LABEL = "dev.registrykit.session";
  private static final Map<String, String> LABELS = Map.of(LABEL, "true", SESSION_LABEL, SESSION);

  private final String image;
  private final int[] hostPorts;
  /** Unique per cluster: the Docker network's name and the prefix of each cluster token. */
  private final String clusterName;
  /** The peers' network, for a cluster only. */
  private String networkId;
  private final List<GenericContainer<?>> containers = new ArrayList<>();
  private int generation;

  ContainerEtcd(String image, int members) {
    this(image, freePorts(members));
  }

  private ContainerEtcd(String image, int[] hostPorts) {
    super(endpoints(hostPorts));
    this.image = image;
    this.hostPorts = hostPorts;
    this.clusterName = "registrykit-" + UUID.randomUUID().toString().substring(0, 8);
    Cleanup.track(this);
    try {
      if (hostPorts.length > 1) {
        networkId = docker().createNetworkCmd().withName(clusterName).withDriver("bridge").withLabels(LABELS)
            .withCheckDuplicate(true).exec().getId();
      }
      launch();
    } catch (RuntimeException e) {
      String logs = logs();
      close();
      throw new IllegalStateException("could not start etcd from image " + image
          + (hostPorts.length == 1 ? "" : " (" + hostPorts.length + " members)") + ": " + e.getMessage()
          + (logs.isEmpty() ? "" : "\n--- container log ---\n" + logs), e);
    }
  }

  private static int[] freePorts(int members) {
    int[] ports = new int[members];
    for (int m = 0; m < members; m++) {
      ports[m] = Ports.free();
    }
    return ports;
  }

  private static List<URI> endpoints(int[] hostPorts) {
    List<URI> endpoints = new ArrayList<>();
    for (int port : hostPorts) {
      endpoints.add(URI.create("http://127.0.0.1:" + port));
    }
    return endpoints;
  }

  private static DockerClient docker() {
    return DockerClientFactory.instance().client();
  }

  @Override
  String what() {
    return "etcd container of " + image;
  }

  // ------------------------------------------------------------------------------ members

  @Override
  synchronized void launchAll() {
    String token = clusterName + "-" + (++generation);
    containers.clear();
    for (int m = 0; m < size(); m++) {
      containers.add(container(m, token));
    }
    inParallel("start", GenericContainer::start);
  }

  @SuppressWarnings("resource")
  private GenericContainer<?> container(int member, String token) {
    boolean cluster = size() > 1;
    String peer = cluster ? "http://" + name(member) + ":2380" : "http://127.0.0.1:2380";
    String initialCluster = cluster
        ? java.util.stream.IntStream.range(0, size()).mapToObj(m -> name(m) + "=http://" + name(m) + ":2380")
            .collect(Collectors.joining(","))
        : name(0) + "=" + peer;
    List<String> command = EtcdFlags.container(image, member, endpoints().get(member).toString(), peer,
        initialCluster, token, size());
    int hostPort = hostPorts[member];
    return new MemberContainer(image, cluster ? networkId : null, name(member))
        .withLabels(LABELS)
        .withCommand(command.toArray(String[]::new))
        .withCreateContainerCmdModifier(cmd -> {
          ExposedPort client = ExposedPort.tcp(2379);
          cmd.withExposedPorts(client);
          HostConfig hostConfig = cmd.getHostConfig() != null ? cmd.getHostConfig() : HostConfig.newHostConfig();
          cmd.withHostConfig(hostConfig.withPortBindings(new PortBinding(
              com.github.dockerjava.api.model.Ports.Binding.bindIpAndPort("127.0.0.1", hostPort), client)));
        });
  }

  /**
   * A member's container: created on the default bridge (where its client port is published), then
   * connected to the peers' network under its alias before it starts, so etcd finds its peers at once.
   */
  private static final class MemberContainer extends GenericContainer<MemberContainer> {
    private final String networkId;
    private final String alias;

    MemberContainer(String image, String networkId, String alias) {
      super(DockerImageName.parse(image));
      this.networkId = networkId;
      this.alias = alias;
    }

    @Override
    protected void containerIsCreated(String containerId) {
      if (networkId != null) {
        connect(networkId, containerId, alias);
      }
    }
  }

  private static void connect(String networkId, String containerId, String alias) {
    docker().connectToNetworkCmd().withNetworkId(networkId).withContainerId(containerId)
        .withContainerNetwork(new ContainerNetwork().withAliases(alias)).exec();
  }

  private interface MemberAction {
    void run(GenericContainer<?> container);
  }

  /** Runs {@code action} on every container at once (starting three takes as long as one). */
  private void inParallel(String what, MemberAction action) {
    if (containers.size() == 1) {
      action.run(containers.get(0));
      return;
    }
    ExecutorService executor = Executors.newFixedThreadPool(containers.size(), runnable -> {
      Thread thread = new Thread(runnable, "registrykit-etcd-" + what);
      thread.setDaemon(true);
      return thread;
    });
    try {
      List<CompletableFuture<Void>> all = containers.stream()
          .map(c -> CompletableFuture.runAsync(() -> action.run(c), executor)).toList();
      try {
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).join();
      } catch (CompletionException e) {
        throw e.getCause() instanceof RuntimeException r ? r : e;
      }
    } finally {
      executor.shutdown();
    }
  }

  private String id(int member) {
    return containers.get(member).getContainerId();
  }

  @Override
  void doPause(int member) {
    docker().pauseContainerCmd(id(member)).exec();
  }

  @Override
  void doUnpause(int member) {
    docker().unpauseContainerCmd(id(member)).exec();
  }

  @Override
  void doStop(int member) {
    docker().stopContainerCmd(id(member)).withTimeout((int) TimeScale.scaled(Duration.ofSeconds(10)).toSeconds()).exec();
  }

  @Override
  void doKill(int member) {
    docker().killContainerCmd(id(member)).exec();
  }

  @Override
  void doStart(int member) {
    docker().startContainerCmd(id(member)).exec();
  }

  @Override
  void doPartition(int member) {
    docker().disconnectFromNetworkCmd().withNetworkId(networkId).withContainerId(id(member)).exec();
  }

  @Override
  void doHeal(int member) {
    connect(networkId, id(member), name(member));
  }

  @Override
  synchronized void discardAll() {
    if (containers.isEmpty()) {
      return;
    }
    try {
      inParallel("remove", container -> {
        try {
          container.stop(); // stops and removes the container (and its anonymous volumes)
        } catch (RuntimeException e) {
          LOG.log(System.Logger.Level.WARNING, "could not remove etcd container " + container.getContainerId() + ": " + e);
        }
      });
    } finally {
      containers.clear();
    }
  }

  @Override
  void release() {
    if (networkId == null) {
      return;
    }
    try {
      docker().removeNetworkCmd(networkId).exec();
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "could not remove Docker network " + clusterName + ": " + e);
    }
  }

  /** The member container's state as Docker reports it, and the end of its log. */
  @Override
  synchronized String diagnostics(int member) {
    if (member >= containers.size() || id(member) == null) {
      return "";
    }
    StringBuilder text = new StringBuilder();
    try {
      var state = docker().inspectContainerCmd(id(member)).exec().getState();
      text.append("; its container: ").append(state.getStatus()).append(", exit code ").append(state.getExitCodeLong())
          .append(state.getError() == null || state.getError().isEmpty() ? "" : ", error: " + state.getError())
          .append(Boolean.TRUE.equals(state.getOOMKilled()) ? ", killed for lack of memory" : "");
    } catch (RuntimeException e) {
      text.append("; its container could not be inspected: ").append(e.getMessage());
    }
    try {
      String log = containers.get(member).getLogs();
      if (log.contains("Was the raft log corrupted, truncated, or lost?")) {
        text.append("; etcd stopped this member because its raft log lacks entries its leader counts as "
            + "committed on it: a known failure of etcd after a member was killed (etcd-io/etcd#15699); the "
            + "member has to be restored from a snapshot, or the cluster wiped (EtcdHandle.wipe())");
      }
      text.append("\n--- end of its log ---\n").append(tail(log, 3000));
    } catch (RuntimeException e) {
      // no log to show
    }
    return text.toString();
  }

  /** The last {@code max} characters of {@code log}. */
  private static String tail(String log, int max) {
    return log.length() > max ? log.substring(log.length() - max) : log;
  }

  synchronized String logs() {
    StringBuilder all = new StringBuilder();
    for (int m = 0; m < containers.size(); m++) {
      try {
        String log = tail(containers.get(m).getLogs(), 4000);
        all.append(containers.size() == 1 ? "" : "[" + name(m) + "]\n").append(log);
      } catch (RuntimeException e) {
        // not started: nothing to show
      }
    }
    return all.toString();
  }

  @Override
  public String source() {
    return "container";
  }

  @Override
  public String toString() {
    return size() == 1 ? "etcd container " + image + " at " + endpoints().get(0)
        : size() + "-member etcd cluster of " + image + " containers at " + endpoints();
  }
}
