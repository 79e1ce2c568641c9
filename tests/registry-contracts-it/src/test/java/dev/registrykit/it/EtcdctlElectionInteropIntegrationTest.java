package dev.registrykit.it;

import static dev.registrykit.junit.RegistryAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.registrykit.Candidacy;
import dev.registrykit.Election;
import dev.registrykit.Registry;
import dev.registrykit.etcd.EtcdRegistry;
import dev.registrykit.junit.etcd.EtcdHandle;
import dev.registrykit.junit.EtcdRegistryTest;
import dev.registrykit.junit.RegistryTime;
import dev.registrykit.junit.TimeScale;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.options.GetOption;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * An election is etcd's own: candidates started with {@code etcdctl elect} under the election's
 * prefix ({@code {namespace}-elections/{name}}, as docs/format.md says) and
 * registrykit's {@link Election} see each other and hand over both ways, and {@code etcdctl elect -l}
 * follows registrykit's leaders. etcdctl (Debian: {@code apt-get install etcd-client}) runs as a
 * process against the test's etcd, each bounded in time and ended after the test.
 */
@EtcdRegistryTest
class EtcdctlElectionInteropIntegrationTest {

  private static final Path ETCDCTL = Path.of(System.getProperty("registrykit.etcdctl", "/usr/bin/etcdctl"));
  /** How long etcdctl's side may take on a quiet machine (scaled where it is waited for). */
  private static final Duration BOUND = Duration.ofSeconds(15);
  private static final Duration TTL = Duration.ofSeconds(5);

  private final List<Process> processes = new ArrayList<>();

  @AfterEach
  void endProcesses() throws InterruptedException {
    for (Process process : processes) {
      process.destroy();
      long bound = TimeScale.scaled(Duration.ofSeconds(5)).toNanos();
      if (!process.waitFor(bound, TimeUnit.NANOSECONDS)) {
        process.destroyForcibly().waitFor(bound, TimeUnit.NANOSECONDS);
      }
    }
  }

  @Test
  void etcdctlCandidatesAndRegistrykitsHandOverBothWays(Registry registry, EtcdHandle etcd, Client client,
      RegistryTime time) {
    requireEtcdctl();
    Election election = registry.election("migrations");
    String prefix = ((EtcdRegistry) registry).namespace() + "-elections/migrations";
    List<String> observed = start(etcd, "elect", "-l", prefix);

    Candidacy first = election.campaign("kit-1", TTL);
    time.eventually(() -> assertThat(first).isLeading());
    List<String> ctl = start(etcd, "elect", prefix, "ctl-1");
    await().atMost(TimeScale.scaled(BOUND)).until(() -> candidates(client, prefix) == 2);
    assertThat(election).hasLeader("kit-1");
    assertThat(ctl).as("etcdctl waits behind registrykit's leader").isEmpty();

    first.close(); // resigns: etcdctl's candidate leads at once, not after a TTL
    await().atMost(TimeScale.scaled(BOUND)).until(() -> ctl.contains("ctl-1"));
    time.eventually(() -> assertThat(election).hasLeader("ctl-1"));

    Candidacy second = election.campaign("kit-2", TTL);
    // not leading after a while: as long a while on a loaded machine as 500 ms on a quiet one
    assertThat(second.awaitLeadership(TimeScale.scaled(Duration.ofMillis(500)))).as("behind etcdctl's leader").isFalse();
    processes.get(1).destroy(); // etcdctl resigns on SIGTERM
    assertThat(second.awaitLeadership(TimeScale.scaled(BOUND))).as("registrykit takes over from etcdctl").isTrue();
    assertThat(election).hasLeader("kit-2");

    await().atMost(TimeScale.scaled(BOUND)).untilAsserted(() -> assertThat(observed).containsSubsequence("kit-1", "ctl-1", "kit-2"));
    second.close();
  }

  private static void requireEtcdctl() {
    boolean present = Files.isExecutable(ETCDCTL);
    String what = "etcdctl at " + ETCDCTL + " (Debian: apt-get install etcd-client; or -Dregistrykit.etcdctl=/path)";
    if (!present && Boolean.parseBoolean(System.getProperty("registrykit.etcd.required",
        System.getenv().getOrDefault("REGISTRYKIT_ETCD_REQUIRED", "false")))) {
      throw new AssertionError("this test needs " + what + ", and registrykit.etcd.required=true forbids skipping it");
    }
    Assumptions.assumeTrue(present, "this test needs " + what);
  }

  /** Starts etcdctl against {@code etcd} with {@code arguments}; its output lines, as they come. */
  private List<String> start(EtcdHandle etcd, String... arguments) {
    List<String> command = new ArrayList<>(List.of(ETCDCTL.toString(), "--endpoints=" + etcd.endpoints().get(0),
        "--dial-timeout=" + TimeScale.scaled(Duration.ofSeconds(5)).toMillis() + "ms"));
    command.addAll(List.of(arguments));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().put("ETCDCTL_API", "3");
    Process process;
    try {
      process = builder.start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    processes.add(process);
    List<String> lines = new CopyOnWriteArrayList<>();
    Thread reader = new Thread(() -> {
      try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line = out.readLine(); line != null; line = out.readLine()) {
          lines.add(line);
        }
      } catch (IOException e) {
        lines.add("(output ended: " + e.getMessage() + ")");
      }
    }, "etcdctl-output");
    reader.setDaemon(true);
    reader.start();
    return lines;
  }

  private static long candidates(Client client, String prefix) throws Exception {
    return client.getKVClient().get(ByteSequence.from(prefix + "/", StandardCharsets.UTF_8),
        GetOption.builder().isPrefix(true).withCountOnly(true).build()).get(Bounds.answerNanos(), TimeUnit.NANOSECONDS).getCount();
  }
}
