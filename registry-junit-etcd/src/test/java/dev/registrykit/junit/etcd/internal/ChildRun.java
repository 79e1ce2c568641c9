package dev.registrykit.junit.etcd.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import dev.registrykit.Registry;
import dev.registrykit.ServiceInstance;
import dev.registrykit.junit.etcd.EtcdHandle;
import dev.registrykit.junit.EtcdLifecycle;
import dev.registrykit.junit.EtcdRegistryTest;
import dev.registrykit.junit.TimeScale;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.options.GetOption;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.testcontainers.DockerClientFactory;

/**
 * The main class of a child JVM that {@link ChildJvmTest} starts, to see what a whole JVM does:
 * {@code exit} runs a test that starts etcd and ends the JVM with {@code System.exit} before JUnit
 * closes anything; {@code run} runs a test that reports which etcd it got; {@code share} runs a test
 * that registers an instance, waits until another test JVM uses the same shared etcd container
 * ({@code registrykit.etcd.share=machine}) and reports what its registry lists. It reports on lines
 * starting with {@value #REPORT}.
 */
final class ChildRun {

  static final String REPORT = "registrykit-child ";
  static final String CHILD = "registrykit.child";
  /** The key the {@code run} mode's test writes, with the child's pid as the value. */
  static final String WRITTEN = "/registrykit-child/written";
  /** Where the {@code share} mode's JVMs leave their marks, under the run's id ({@link #RUN}). */
  static final String MET = "/registrykit-child/met/";
  /** The system property with the id of the parent's run, the same for the JVMs that must meet. */
  static final String RUN = "registrykit.child.run";

  private ChildRun() {
  }

  public static void main(String[] args) {
    System.setProperty(CHILD, "true");
    Class<?> fixture = switch (args[0]) {
      case "exit" -> ExitsMidRun.class;
      case "run" -> ReportsItsEtcd.class;
      case "share" -> MeetsAnotherJvm.class;
      default -> throw new IllegalArgumentException("mode must be exit, run or share but was: " + args[0]);
    };
    EngineExecutionResults results = EngineTestKit.engine("junit-jupiter").selectors(selectClass(fixture)).execute();
    report("succeeded=" + results.testEvents().succeeded().count() + " failed=" + results.testEvents().failed().count()
        + " skipped=" + results.containerEvents().skipped().count()
        + results.testEvents().failed().stream().map(event -> " failure=" + String.valueOf(event.getPayload().orElse("")).replace("\n", " | "))
            .collect(Collectors.joining()));
    System.exit(0);
  }

  static ByteSequence bytes(String text) {
    return ByteSequence.from(text, StandardCharsets.UTF_8);
  }

  static void report(String line) {
    System.out.println(REPORT + line);
    System.out.flush();
  }

  @EtcdRegistryTest(lifecycle = EtcdLifecycle.PER_CLASS, members = 3)
  @EnabledIfSystemProperty(named = CHILD, matches = "true")
  static class ExitsMidRun {
    @Test
    void startsEtcdThenTheJvmExits(EtcdHandle etcd, Registry registry) {
      // The registry is injected (its client and proxies exist) but not used: the hook's work is etcd.
      String line = "source=" + etcd.source() + " session=" + ContainerEtcd.SESSION
          + " pids=" + Leftovers.etcdProcesses().stream().map(String::valueOf).sorted().collect(Collectors.joining(","));
      if (etcd.source().equals("container")) {
        var docker = DockerClientFactory.instance().client();
        Map<String, String> session = Map.of(ContainerEtcd.SESSION_LABEL, ContainerEtcd.SESSION);
        line += " containers=" + docker.listContainersCmd().withLabelFilter(session).exec().size()
            + " networks=" + docker.listNetworksCmd().withFilter("label", java.util.List.of(
                ContainerEtcd.SESSION_LABEL + "=" + ContainerEtcd.SESSION)).exec().size();
      }
      report(line);
      System.exit(0); // before JUnit closes its stores: only the shutdown hook is left to clean up
    }
  }

  @EtcdRegistryTest
  @EnabledIfSystemProperty(named = CHILD, matches = "true")
  static class ReportsItsEtcd {
    @Test
    void reports(EtcdHandle etcd) throws Exception {
      // Through the raw client with a generous wait: the first call of a cold JVM on a loaded
      // machine can take longer than the test registry's 2 s call timeout.
      etcd.client().getKVClient().put(bytes(WRITTEN), bytes(ProcessHandle.current().pid() + ""))
          .get(TimeScale.scaled(Duration.ofSeconds(60)).toMillis(), TimeUnit.MILLISECONDS);
      report("source=" + etcd.source() + " endpoints=" + etcd.endpoints() + " pid=" + ProcessHandle.current().pid());
    }
  }

  @EtcdRegistryTest
  @EnabledIfSystemProperty(named = CHILD, matches = "true")
  static class MeetsAnotherJvm {
    @Test
    void registersAndWaitsForTheOtherJvm(EtcdHandle etcd, Registry registry) throws Exception {
      long pid = ProcessHandle.current().pid();
      registry.register(ServiceInstance.of("shared", "pid-" + pid, "http://127.0.0.1:1"), Duration.ofSeconds(30));
      // Each JVM leaves a mark of this run in the etcd it got and waits for the other's: a mark stays
      // until the container goes, so neither can miss the other, whichever reaches this line first.
      String marks = MET + System.getProperty(RUN) + "/";
      etcd.client().getKVClient().put(bytes(marks + pid), bytes("met")).get(TimeScale.scaled(Duration.ofSeconds(60)).toMillis(), TimeUnit.MILLISECONDS);
      Awaitility.await("another test JVM to use the shared etcd").atMost(TimeScale.scaled(Duration.ofSeconds(60)))
          .pollInterval(Duration.ofMillis(100))
          .untilAsserted(() -> assertThat(etcd.client().getKVClient().get(bytes(marks),
              GetOption.builder().isPrefix(true).build()).get(TimeScale.scaled(Duration.ofSeconds(10)).toMillis(), TimeUnit.MILLISECONDS).getKvs())
              .as("the marks of this run's test JVMs on " + etcd.source() + " etcd at " + etcd.endpoints() + " (" + etcd
                  + ")").hasSizeGreaterThanOrEqualTo(2));
      report("source=" + etcd.source() + " endpoints=" + etcd.endpoints() + " pid=" + pid + " instances="
          + registry.allInstances().stream().map(ServiceInstance::instanceId).collect(Collectors.joining(",")));
    }
  }
}
