package dev.registrykit.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.registrykit.junit.EtcdHandle;
import dev.registrykit.junit.EtcdRegistryTest;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.testcontainers.DockerClientFactory;

/**
 * One short pass of every benchmark, so they cannot rot: the figures are not checked here (CI
 * machines are noisy and shared), only that each benchmark runs and measures something.
 */
@EtcdRegistryTest
class BenchmarkSmokeTest {

  @Test
  void theFakeBenchmarksRun() throws Exception {
    Collection<RunResult> results = runOnce(FakeBenchmarks.class);

    assertThat(results).hasSize(3);
    assertThat(results).allSatisfy(result -> assertThat(result.getPrimaryResult().getScore()).isPositive());
  }

  @Test
  void theCacheBenchmarksRun() throws Exception {
    Collection<RunResult> results = runOnce(CacheBenchmarks.class);

    assertThat(results).hasSize(4);
    assertThat(results).allSatisfy(result -> assertThat(result.getPrimaryResult().getScore()).isPositive());
  }

  /** One short measurement of each benchmark of {@code benchmarks}, in this JVM. */
  private static Collection<RunResult> runOnce(Class<?> benchmarks) throws Exception {
    return new Runner(new OptionsBuilder()
        .include(benchmarks.getName())
        .forks(0)
        .warmupIterations(0)
        .measurementIterations(1)
        .measurementTime(TimeValue.milliseconds(200))
        .shouldFailOnError(true)
        .build()).run();
  }

  @Test
  void theEtcdAndMemoryFiguresRun(EtcdHandle etcd) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    String endpoint = etcd.endpoints().get(0).toString();

    EtcdFigures.run(endpoint, 20, 1, out);
    MemoryFigures.run(1_000, endpoint, 50, out);

    assertThat(bytes.toString(StandardCharsets.UTF_8))
        .contains("| 3a. register", "| 3b. instances", "| 4. watch", "| 5. keep-alive stops -> Removed, TTL 1 s",
            "| 5. keep-alive stops -> Removed, TTL 2 s", "FakeRegistry |", "EtcdRegistry client |");
  }

  @Test
  void theJunitFigureRuns() {
    // Its baseline is the plain Testcontainers way, which needs Docker even where our extension
    // could fall back to an etcd binary or REGISTRYKIT_ETCD_ENDPOINTS.
    assumeTrue(DockerClientFactory.instance().isDockerAvailable(),
        "figure 6 compares against plain Testcontainers and needs Docker");
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();

    double[] perTest = JunitFigures.run(new PrintStream(bytes, true, StandardCharsets.UTF_8), 1);

    assertThat(perTest[0]).isPositive();
    assertThat(perTest[1]).isPositive();
    assertThat(bytes.toString(StandardCharsets.UTF_8)).contains("| 6. 50 tests in 5 classes");
  }
}
