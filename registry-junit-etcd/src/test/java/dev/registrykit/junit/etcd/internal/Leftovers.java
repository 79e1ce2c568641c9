package dev.registrykit.junit.etcd.internal;

import dev.registrykit.junit.internal.Settings;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.dockerjava.api.model.Container;
import dev.registrykit.Registration;
import dev.registrykit.RegistrationState;
import dev.registrykit.Registry;
import dev.registrykit.RegistryClosedException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;
import org.testcontainers.DockerClientFactory;

/**
 * What a run of fixture classes must not leave behind: containers of this JVM, etcd processes
 * started by this JVM, threads of registrykit (proxies, registries), and open registries and
 * registrations that the fixtures {@linkplain #keep kept}. Take {@link #before()} a run and call
 * {@link #assertNoneAfter()} after it.
 */
final class Leftovers {

  private static final List<Registry> REGISTRIES = new CopyOnWriteArrayList<>();
  private static final List<Registration> REGISTRATIONS = new CopyOnWriteArrayList<>();
  /** How long threads of a run may take to end, times {@code registrykit.time.scale} (auto: the load per core). */
  private static final Duration THREADS_END = Duration.ofSeconds(15);

  private final Set<String> containers;
  private final Set<Long> processes;
  private final Set<Thread> threads;

  private Leftovers() {
    this.containers = ourContainers();
    this.processes = etcdProcesses();
    this.threads = Set.copyOf(Thread.getAllStackTraces().keySet());
  }

  /** What runs before the run; forgets what fixtures of an earlier run kept. */
  static Leftovers before() {
    REGISTRIES.clear();
    REGISTRATIONS.clear();
    return new Leftovers();
  }

  /** For fixtures: the registry the extension injected, to be checked closed after the run. */
  static Registry keep(Registry registry) {
    REGISTRIES.add(registry);
    return registry;
  }

  /** For fixtures: a registration made in a test, to be checked closed after the run. */
  static Registration keep(Registration registration) {
    REGISTRATIONS.add(registration);
    return registration;
  }

  /**
   * Every kept registry refuses calls as closed and every kept registration is {@code CLOSED}; no
   * container or etcd process of the run is left; and within a bounded wait no thread of the run
   * named {@code registrykit-*} is left, nor a gRPC worker of jetcd's clients if none ran before
   * the run (if one did, a client outside the run shares that pool).
   */
  void assertNoneAfter() {
    for (Registry registry : REGISTRIES) {
      assertThatThrownBy(() -> registry.instances("any")).as("instances() of a registry the run injected")
          .isInstanceOf(RegistryClosedException.class)
          .hasMessage("instances refused: this EtcdRegistry is closed");
    }
    for (Registration registration : REGISTRATIONS) {
      assertThat(registration.state()).as("state of " + registration.instance() + " after the run")
          .isEqualTo(RegistrationState.CLOSED);
    }
    assertThat(ourContainers()).as("containers of this JVM left by the run").isSubsetOf(containers);
    assertThat(etcdProcesses()).as("etcd processes of this JVM left by the run").isSubsetOf(processes);
    boolean grpcBefore = threads.stream().anyMatch(thread -> thread.getName().startsWith("grpc-nio-worker"));
    Duration bound = Duration.ofMillis(Math.round(THREADS_END.toMillis() * Math.max(1.0, Settings.timeScale())));
    Awaitility.await("threads of the run to end").atMost(bound).pollInterval(Duration.ofMillis(50))
        .untilAsserted(() -> assertThat(threadsLeft(grpcBefore)).as("threads the run left (name, state, top frames)")
            .isEmpty());
  }

  /**
   * The run's threads still alive, each as its name, state and top three frames. A connection through
   * a proxy that was there before the run (an idle connection of the surrounding suite's etcd, whose
   * client may reconnect at any time) is that proxy's, not the run's: its threads are not counted.
   */
  private List<String> threadsLeft(boolean grpcBefore) {
    Set<String> proxiesBefore = threads.stream().map(Thread::getName)
        .filter(name -> name.matches("registrykit-proxy-\\d+-accept"))
        .map(name -> name.substring(0, name.length() - "accept".length()))
        .collect(Collectors.toSet());
    return Thread.getAllStackTraces().entrySet().stream()
        .filter(entry -> !threads.contains(entry.getKey()) && entry.getKey().isAlive())
        .filter(entry -> proxiesBefore.stream().noneMatch(entry.getKey().getName()::startsWith))
        .filter(entry -> entry.getKey().getName().startsWith("registrykit-")
            || (!grpcBefore && entry.getKey().getName().startsWith("grpc-nio-worker")))
        .map(entry -> entry.getKey().getName() + " " + entry.getKey().getState() + " at "
            + Arrays.stream(entry.getValue()).limit(3).map(StackTraceElement::toString).toList())
        .sorted().toList();
  }

  /** Containers (running or not) labelled with this JVM's session. */
  static Set<String> ourContainers() {
    if (!DockerClientFactory.instance().isDockerAvailable()) {
      return Set.of();
    }
    return DockerClientFactory.instance().client().listContainersCmd().withShowAll(true)
        .withLabelFilter(Map.of(ContainerEtcd.SESSION_LABEL, ContainerEtcd.SESSION)).exec()
        .stream().map(Container::getId).collect(Collectors.toSet());
  }

  /** Live etcd processes that this JVM started. */
  static Set<Long> etcdProcesses() {
    return ProcessHandle.current().children().filter(ProcessHandle::isAlive)
        .filter(process -> process.info().command().map(command -> command.endsWith("etcd")).orElse(false))
        .map(ProcessHandle::pid).collect(Collectors.toSet());
  }
}
