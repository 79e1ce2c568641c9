package dev.registrykit.examples.readme;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.registrykit.Candidacy;
import dev.registrykit.Election;
import dev.registrykit.Registry;
import dev.registrykit.ServiceInstance;
import dev.registrykit.etcd.EtcdRegistry;
import dev.registrykit.junit.etcd.EtcdHandle;
import dev.registrykit.junit.EtcdRegistryTest;
import dev.registrykit.junit.TimeScale;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.options.GetOption;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs, on a real etcd, the snippets (README and docs/) that are not test classes of their own: the
 * application that registers itself (as a process of its own, stopped either way it can be) and
 * the leader-only migration. {@link ReadmeTextTest} checks that the pages show this code.
 */
@EtcdRegistryTest
class ReadmeSnippetsTest {

  private static final ServiceInstance APP = ServiceInstance.of("OrderShippingService", "readme-app", "http://localhost:5000");

  @TempDir
  Path logs;

  /**
   * Starts {@link RegisterItself} with the README's three variables, plus a namespace, id and TTL for
   * the test, and waits until it serves: it has registered and installed its shutdown hook.
   */
  private Process startApplication(EtcdHandle etcd, Registry registry, Duration ttl) throws IOException {
    ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), RegisterItself.class.getName());
    builder.environment().put("REGISTRYKIT_ENDPOINTS", etcd.endpoints().get(0).toString());
    builder.environment().put("REGISTRYKIT_SERVICE_NAME", APP.serviceName());
    builder.environment().put("REGISTRYKIT_SERVICE_ADDRESS", APP.address().toString());
    builder.environment().put("REGISTRYKIT_NAMESPACE", ((EtcdRegistry) registry).namespace());
    builder.environment().put("REGISTRYKIT_INSTANCE_ID", APP.instanceId());
    builder.environment().put("REGISTRYKIT_TTL", Long.toString(ttl.toSeconds()));
    Path log = logs.resolve("application.log");
    builder.redirectErrorStream(true).redirectOutput(log.toFile());
    Process app = builder.start();
    await("the application to serve").atMost(TimeScale.scaled(Duration.ofSeconds(30))).pollInterval(Duration.ofMillis(50))
        .until(() -> output().contains("serving\n") || !app.isAlive());
    assertThat(app.isAlive()).as("the application runs; its output:%n%s", output()).isTrue();
    assertThat(registry.instances(APP.serviceName())).containsExactly(APP);
    return app;
  }

  /**
   * The application's key is deleted by {@code by}, not by its 30 s lease, and it exits. The lease
   * was renewed at most 10 s (a third of its TTL) before the signal sent at {@code signalledNanos}, so
   * it cannot run out before 20 s after it: a key gone sooner was deleted. The wait is 5 s, scaled;
   * the claim is the time the key took, whatever the scale.
   */
  private void awaitDeregisteredAndExited(Process app, Registry registry, String by, long signalledNanos)
      throws InterruptedException {
    await("the key deleted by " + by).atMost(TimeScale.scaled(Duration.ofSeconds(5)))
        .pollInterval(Duration.ofMillis(50))
        .untilAsserted(() -> assertThat(registry.instances(APP.serviceName())).as("the application's output:%n%s",
            output()).isEmpty());
    Duration took = Duration.ofNanos(System.nanoTime() - signalledNanos);
    assertThat(took).as("from the signal until the key was seen gone: sooner than the 30 s lease (renewed every "
        + "10 s) could run out, so deleted by " + by + ", not by the lease")
        .isLessThan(Duration.ofSeconds(20)); // time: load-free (the earliest the lease could run out, not a wait)
    assertThat(app.waitFor(TimeScale.scaled(Duration.ofSeconds(20)).toMillis(), TimeUnit.MILLISECONDS))
        .as("the application exits").isTrue();
  }

  /** What the application printed so far. */
  private String output() throws IOException {
    return Files.readString(logs.resolve("application.log"));
  }

  @Test
  void theApplicationRegistersOnStartAndDeregistersWhenItCloses(EtcdHandle etcd, Registry registry) throws Exception {
    Process app = startApplication(etcd, registry, Duration.ofSeconds(30));
    try {
      try (OutputStream stdin = app.getOutputStream()) {
        stdin.write("stop\n".getBytes(StandardCharsets.UTF_8)); // the server returns: try-with-resources closes
      }
      assertThat(app.waitFor(TimeScale.scaled(Duration.ofSeconds(20)).toMillis(), TimeUnit.MILLISECONDS))
          .as("the application exits").isTrue();
      assertThat(app.exitValue()).isZero();
      assertThat(registry.instances(APP.serviceName())).as("deregistered by close()").isEmpty();
    } finally {
      app.destroyForcibly();
    }
  }

  @Test
  void theApplicationDeregistersWhenSigtermStopsTheJvmLongBeforeItsTtl(EtcdHandle etcd, Registry registry)
      throws Exception {
    Process app = startApplication(etcd, registry, Duration.ofSeconds(30));
    try {
      // SIGTERM alone, as an orchestrator sends it: main stays blocked, so only the shutdown hook can
      // deregister. (The next test races the application's own close() against the hook.)
      long signalled = System.nanoTime();
      assertThat(app.toHandle().destroy()).as("SIGTERM sent").isTrue();

      awaitDeregisteredAndExited(app, registry, "the shutdown hook", signalled);
      assertThat(app.exitValue()).as("the exit status of a JVM stopped by SIGTERM").isEqualTo(128 + 15);
    } finally {
      app.destroyForcibly();
    }
  }

  @Test
  void theApplicationDeregistersWhenItsOwnCloseRacesTheShutdownHook(EtcdHandle etcd, Registry registry)
      throws Exception {
    Process app = startApplication(etcd, registry, Duration.ofSeconds(30));
    try {
      // destroy() closes the application's stdin, which ends main's wait so that its close() runs,
      // and sends SIGTERM, which runs the hook: the hook must wait for that close, not let the JVM
      // stop half-way through the delete.
      long signalled = System.nanoTime();
      app.destroy();

      awaitDeregisteredAndExited(app, registry, "the application's close() or its shutdown hook", signalled);
    } finally {
      app.destroyForcibly();
    }
  }

  @Test
  void theMigrationRunsOnlyOnTheLeader(Registry registry, EtcdHandle etcd) throws Exception {
    List<Long> migrations = new CopyOnWriteArrayList<>();
    Candidacy earlier = registry.election("orders-migrations").campaign("i-0", Duration.ofSeconds(10));
    assertThat(earlier.awaitLeadership(TimeScale.scaled(Duration.ofSeconds(10)))).as("i-0 leads first").isTrue();
    long earlierToken = earlier.fencingToken().orElseThrow();
    Thread follower = new Thread(() -> new Runner(migrations::add).run(registry, "i-1"), "i-1");
    follower.start();
    try {
      // i-1 has campaigned when etcd holds its key beside i-0's (the README's election layout); then it
      // waits, and runs no migration
      ByteSequence candidates = ByteSequence.from(
          ((EtcdRegistry) registry).namespace() + "-elections/orders-migrations/", StandardCharsets.UTF_8);
      await("i-1's candidate key in etcd").atMost(TimeScale.scaled(Duration.ofSeconds(10)))
          .pollInterval(Duration.ofMillis(50)).until(() -> etcd.client().getKVClient()
              .get(candidates, GetOption.builder().isPrefix(true).withCountOnly(true).build())
              .get(TimeScale.scaled(Duration.ofSeconds(5)).toMillis(), TimeUnit.MILLISECONDS).getCount() == 2);
      await("no migration while i-0 leads").during(TimeScale.scaled(Duration.ofMillis(500)))
          .atMost(TimeScale.scaled(Duration.ofSeconds(2))).pollInterval(Duration.ofMillis(50))
          .until(() -> migrations.isEmpty() && earlier.isLeader());

      earlier.close(); // i-0 resigns: i-1 leads and runs the migration

      follower.join(TimeScale.scaled(Duration.ofSeconds(10)).toMillis());
      assertThat(follower.isAlive()).as("i-1 has run the migration and resigned").isFalse();
      assertThat(migrations).hasSize(1);
      assertThat(migrations.get(0)).as("i-1's fencing token").isGreaterThan(earlierToken);
      assertThat(registry.election("orders-migrations").leader()).as("resigned after the migration").isEmpty();
    } finally {
      earlier.close();
      follower.interrupt();
    }
  }

  /** Hosts the snippet so that it reads as in the README. */
  private static final class Runner {
    private final LongConsumer migrations;

    Runner(LongConsumer migrations) {
      this.migrations = migrations;
    }

    private void runMigrations(long fencingToken) {
      migrations.accept(fencingToken);
    }

    void run(Registry registry, String instanceId) {
      // tag::leader-migration[]
      Election migrations = registry.election("orders-migrations");
      try (Candidacy me = migrations.campaign(instanceId, Duration.ofSeconds(10))) {
        if (me.awaitLeadership(Duration.ofMinutes(1))) {
          runMigrations(me.fencingToken().orElseThrow()); // pass the token to guarded writes
        }
      } // resigning hands leadership to the next candidate at once
      // end::leader-migration[]
    }
  }
}
