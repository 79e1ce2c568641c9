package dev.registrykit.junit.etcd.internal;

import dev.registrykit.junit.internal.Settings;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.github.dockerjava.api.DockerClient;
import dev.registrykit.junit.TimeScale;
import io.etcd.jetcd.Client;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.CompletableFuture;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.DockerClientFactory;

/**
 * What only a whole JVM shows: that the shutdown hook stops the etcd of a run that ended without
 * JUnit closing it, that {@code REGISTRYKIT_ETCD_ENDPOINTS} is read from the environment, and that
 * test JVMs started together share one etcd container with {@code registrykit.etcd.share=machine}. Each
 * test starts a child JVM ({@link ChildRun}) on this JVM's classpath.
 */
class ChildJvmTest {

  private static final Duration CHILD_TIMEOUT = Duration.ofSeconds(120);
  private static final AtomicInteger CHILDREN = new AtomicInteger();

  @TempDir
  Path directory;

  /** What a child JVM printed and how it ended. */
  private record Child(int exitCode, String output) {
    /** The {@code key=value} pairs of the child's report line, which must be there. */
    Map<String, String> report(String mustContain) {
      for (String line : output.split("\n")) {
        if (line.startsWith(ChildRun.REPORT) && line.contains(mustContain)) {
          Map<String, String> values = new HashMap<>();
          for (String pair : line.substring(ChildRun.REPORT.length()).split(" (?=\\w+=)")) {
            int equals = pair.indexOf('=');
            values.put(pair.substring(0, equals), pair.substring(equals + 1));
          }
          return values;
        }
      }
      throw new AssertionError("Expecting the child to report a line with " + mustContain + " but it printed:\n"
          + output);
    }
  }

  /** Runs {@link ChildRun} in {@code mode} with these system properties and environment variables added. */
  private Child runChild(String mode, Map<String, String> properties, Map<String, String> environment) {
    String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", classpath));
    Settings.get(Settings.IMAGE).ifPresent(image -> command.add("-D" + Settings.IMAGE + "=" + image));
    properties.forEach((property, value) -> command.add("-D" + property + "=" + value));
    command.add(ChildRun.class.getName());
    command.add(mode);
    Path log = directory.resolve("child-" + mode + "-" + CHILDREN.incrementAndGet() + ".log");
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().putAll(environment);
    try {
      Process child = builder.start();
      Duration timeout = TimeScale.scaled(CHILD_TIMEOUT);
      if (!child.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        child.destroyForcibly().waitFor(TimeScale.scaled(Duration.ofSeconds(10)).toMillis(), TimeUnit.MILLISECONDS);
        fail("Expecting the child JVM to end within " + timeout + " but it did not; it printed:\n"
            + Files.readString(log, StandardCharsets.UTF_8));
      }
      return new Child(child.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while waiting for the child JVM", e);
    }
  }

  @Test
  void theShutdownHookRemovesTheContainersAndNetworkOfARunThatExitedMidTest() {
    Needs.docker();

    Child child = runChild("exit", Map.of(Settings.SOURCE, "container"), Map.of());

    assertThat(child.exitCode()).as("exit code of the child; it printed:\n" + child.output()).isZero();
    Map<String, String> report = child.report("source=container");
    assertThat(report).as("what the child saw running before it exited")
        .containsEntry("containers", "3").containsEntry("networks", "1");
    String session = report.get("session");
    DockerClient docker = DockerClientFactory.instance().client();
    Awaitility.await("the child's containers and network to be gone").atMost(TimeScale.scaled(Duration.ofSeconds(30)))
        .pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
          assertThat(docker.listContainersCmd().withShowAll(true)
              .withLabelFilter(Map.of(ContainerEtcd.SESSION_LABEL, session)).exec())
              .as("containers of the child's session " + session).isEmpty();
          assertThat(docker.listNetworksCmd().withFilter("label", List.of(ContainerEtcd.SESSION_LABEL + "=" + session))
              .exec()).as("networks of the child's session " + session + " (only registrykit's hook removes them)")
              .isEmpty();
        });
  }

  @Test
  void theShutdownHookStopsTheEtcdProcessesOfARunThatExitedMidTest() {
    Needs.etcdBinary();

    Child child = runChild("exit", Map.of(Settings.SOURCE, "process"), Map.of());

    assertThat(child.exitCode()).as("exit code of the child; it printed:\n" + child.output()).isZero();
    List<Long> pids = Arrays.stream(child.report("source=process").get("pids").split(","))
        .filter(pid -> !pid.isEmpty()).map(Long::valueOf).toList();
    assertThat(pids).as("etcd processes the child saw running before it exited").hasSize(3);
    Awaitility.await("the child's etcd processes to end").atMost(TimeScale.scaled(Duration.ofSeconds(30)))
        .pollInterval(Duration.ofMillis(100)).untilAsserted(() -> assertThat(pids)
            .as("etcd processes of the child still alive")
            .filteredOn(pid -> ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isEmpty());
  }

  @Test
  void endpointsFromTheEnvironmentVariableAreUsed() {
    try (ProcessEtcd theirs = new ProcessEtcd(Needs.etcdBinary())) {
      String endpoint = theirs.endpoints().get(0).toString();

      Child child = runChild("run", Map.of(), Map.of("REGISTRYKIT_ETCD_ENDPOINTS", endpoint));

      assertThat(child.exitCode()).as("exit code of the child; it printed:\n" + child.output()).isZero();
      assertThat(child.report("succeeded=")).as("the child's run")
          .containsEntry("succeeded", "1").containsEntry("failed", "0").containsEntry("skipped", "0");
      Map<String, String> report = child.report("source=");
      assertThat(report).as("what the child's test got")
          .containsEntry("source", "external").containsEntry("endpoints", "[" + endpoint + "]");
      try (Client client = Client.builder().endpoints(theirs.endpoints().get(0)).build()) {
        assertThat(client.getKVClient().get(ChildRun.bytes(ChildRun.WRITTEN)).get(TimeScale.scaled(Duration.ofSeconds(30)).toMillis(), TimeUnit.MILLISECONDS).getKvs())
            .as("what the child wrote into their etcd").singleElement()
            .satisfies(kv -> assertThat(kv.getValue().toString(StandardCharsets.UTF_8)).isEqualTo(report.get("pid")));
      }
    } catch (ExecutionException | TimeoutException e) {
      throw new AssertionError("Expecting to read their etcd but: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while reading their etcd", e);
    }
  }

  @Test
  void twoTestJvmsShareOneContainerApartByNamespaceAndTheLastToFinishRemovesIt() {
    Needs.docker();
    String image = Settings.get(Settings.IMAGE).orElse(dev.registrykit.junit.EtcdRegistryTest.DEFAULT_IMAGE);
    String name = SharedContainer.name(image);
    Map<String, String> sharing = Map.of(Settings.SOURCE, "container", Settings.SHARE, "machine",
        ChildRun.RUN, UUID.randomUUID().toString());

    CompletableFuture<Child> first = CompletableFuture.supplyAsync(() -> runChild("share", sharing, Map.of()));
    CompletableFuture<Child> second = CompletableFuture.supplyAsync(() -> runChild("share", sharing, Map.of()));
    List<Child> children = List.of(first.join(), second.join());
    String printed = "the first child printed:\n" + children.get(0).output() + "\nthe second child printed:\n"
        + children.get(1).output();

    for (Child child : children) {
      assertThat(child.exitCode()).as("exit code of a child; " + printed).isZero();
      assertThat(child.report("succeeded=")).as("a child's run; " + printed)
          .containsEntry("succeeded", "1").containsEntry("failed", "0").containsEntry("skipped", "0");
      Map<String, String> report = child.report("source=");
      assertThat(report).as("what a child's test got").containsEntry("source", "container")
          .containsEntry("instances", "pid-" + report.get("pid"));
    }
    assertThat(children.get(0).report("source=").get("endpoints")).as("the two children's etcd")
        .isEqualTo(children.get(1).report("source=").get("endpoints"));
    DockerClient docker = DockerClientFactory.instance().client();
    Awaitility.await("the shared container " + name + " to be removed by the last child").atMost(TimeScale.scaled(Duration.ofSeconds(30)))
        .pollInterval(Duration.ofMillis(200)).untilAsserted(() -> assertThat(docker.listContainersCmd()
            .withShowAll(true).withNameFilter(List.of(name)).exec()).as("containers named " + name).isEmpty());
  }
}
