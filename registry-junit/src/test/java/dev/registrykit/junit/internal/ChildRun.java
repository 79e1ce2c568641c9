package dev.registrykit.junit.internal;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import dev.registrykit.Registry;
import dev.registrykit.junit.EtcdHandle;
import dev.registrykit.junit.EtcdLifecycle;
import dev.registrykit.junit.EtcdRegistryTest;
import io.etcd.jetcd.ByteSequence;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.testcontainers.DockerClientFactory;

/**
 * The main class of a child JVM that {@link ChildJvmTest} starts, to see what a whole JVM does:
 * {@code exit} runs a test that starts etcd and ends the JVM with {@code System.exit} before JUnit
 * closes anything; {@code run} runs a test that reports which etcd it got. It reports on lines
 * starting with {@value #REPORT}.
 */
final class ChildRun {

  static final String REPORT = "registrykit-child ";
  static final String CHILD = "registrykit.child";
  /** The key the {@code run} mode's test writes, with the child's pid as the value. */
  static final String WRITTEN = "/registrykit-child/written";

  private ChildRun() {
  }

  public static void main(String[] args) {
    System.setProperty(CHILD, "true");
    Class<?> fixture = switch (args[0]) {
      case "exit" -> ExitsMidRun.class;
      case "run" -> ReportsItsEtcd.class;
      default -> throw new IllegalArgumentException("mode must be exit or run but was: " + args[0]);
    };
    EngineExecutionResults results = EngineTestKit.engine("junit-jupiter").selectors(selectClass(fixture)).execute();
    report("succeeded=" + results.testEvents().succeeded().count() + " failed=" + results.testEvents().failed().count()
        + " skipped=" + results.containerEvents().skipped().count()
        + results.testEvents().failed().stream().map(event -> " failure=" + event.getPayload().orElse(""))
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
          .get(60, TimeUnit.SECONDS);
      report("source=" + etcd.source() + " endpoints=" + etcd.endpoints() + " pid=" + ProcessHandle.current().pid());
    }
  }
}
