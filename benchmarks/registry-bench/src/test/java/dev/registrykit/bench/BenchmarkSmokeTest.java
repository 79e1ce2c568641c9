package dev.registrykit.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.registrykit.junit.etcd.EtcdHandle;
import dev.registrykit.junit.EtcdRegistryTest;
import dev.registrykit.junit.TimeScale;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.testcontainers.DockerClientFactory;

/**
 * One short pass of every benchmark, so they cannot rot: each runs and yields figures that are
 * numbers a working benchmark can give (positive, finite, within wide sane ranges). How good the
 * figures are is not checked here (CI machines are noisy and shared): that is BENCHMARKS.md's job.
 * The fake's benchmarks need no etcd; the etcd figures run where {@code @EtcdRegistryTest} runs
 * (skipped without etcd, failing with {@code registrykit.etcd.required=true}), and the JUnit figure
 * also needs Docker, by the same rule.
 */
class BenchmarkSmokeTest {

  /** Sane for the heap one instance or registration retains (BENCHMARKS.md: about 1.4-2.1 KB). */
  private static final long MAX_BYTES_PER_INSTANCE = 1_000_000;
  /** A number as the tables print it, captured, negative ones included so that they fail. */
  private static final String NUMBER = "(-?\\d[\\d,]*(?:\\.\\d+)?)";

  @Test
  void theFakeBenchmarksRun() throws Exception {
    Collection<RunResult> results = runOnce(FakeBenchmarks.class);

    assertThat(results).hasSize(3);
    assertThat(results).allSatisfy(BenchmarkSmokeTest::isSane);
  }

  @Test
  void theCacheBenchmarksRun() throws Exception {
    Collection<RunResult> results = runOnce(CacheBenchmarks.class);

    assertThat(results).hasSize(4);
    assertThat(results).allSatisfy(BenchmarkSmokeTest::isSane);
  }

  /** A score a working benchmark can give: finite, positive, and within a wide range for its unit. */
  private static void isSane(RunResult result) {
    double score = result.getPrimaryResult().getScore();
    String unit = result.getPrimaryResult().getScoreUnit();
    assertThat(score).as("%s in %s", result.getParams().getBenchmark(), unit).isFinite().isPositive();
    if (unit.equals("ops/s")) {
      assertThat(score).as("%s: ops/s, fewer than one per ns", result.getParams().getBenchmark()).isLessThan(1e9);
    } else {
      assertThat(unit).isEqualTo("us/op");
      assertThat(score).as("%s: µs per lease-expiry scenario, under a second", result.getParams().getBenchmark())
          .isLessThan(1e6);
    }
  }

  /** One short measurement of each benchmark of {@code benchmarks}, in this JVM. */
  private static Collection<RunResult> runOnce(Class<?> benchmarks) throws Exception {
    return new Runner(new OptionsBuilder()
        .include(benchmarks.getName())
        .forks(0)
        .warmupIterations(0)
        .measurementIterations(1)
        .measurementTime(TimeValue.milliseconds(200)) // time: load-free (how long JMH measures, not a deadline)
        .shouldFailOnError(true)
        .build()).run();
  }

  /** The figures that need an etcd: where the extension can give one. */
  @Nested
  @EtcdRegistryTest
  class OnEtcd {

    @Test
    void theEtcdAndMemoryFiguresRun(EtcdHandle etcd) {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
      String endpoint = etcd.endpoints().get(0).toString();
      long harnessWaitBefore = Samples.bound(10);

      EtcdFigures.run(endpoint, 20, 1, out);
      MemoryFigures.run(1_000, endpoint, 50, out);

      String table = bytes.toString(StandardCharsets.UTF_8);
      double maxLatencyMs = maxLatencyMs();
      for (String figure : List.of("| 3a. register", "| 3b. instances", "| 4. watch")) {
        List<Double> millis = numbers(table, figure, "(?:p50|p99) " + NUMBER + " ms");
        assertThat(millis).as("%s: p50 and p99, ours and raw jetcd's where there is a baseline", figure)
            .hasSize(4).allSatisfy(ms -> assertThat(ms).isFinite().isPositive().isLessThan(maxLatencyMs));
        assertThat(millis.get(0)).as("%s: p50 <= p99", figure).isLessThanOrEqualTo(millis.get(1));
      }
      assertThat(numbers(table, "| 4. a new watch is live", NUMBER + " ms")).as("a new watch is live after, ms: p50 and p99, ours and raw")
          .hasSize(4).allSatisfy(ms -> assertThat(ms).isFinite().isPositive().isLessThan(maxLatencyMs));
      for (int ttlSeconds : new int[] {1, 2}) {
        String figure = "| 5. keep-alive stops -> Removed, TTL " + ttlSeconds + " s";
        double ttl = ttlSeconds * 1000.0;
        // keep-alive renews every TTL/3, so a crash leaves at least 2/3 of the TTL (half, with slack);
        // time: load-free (the lower bound: load only delays a removal)
        double atLeast = ttl / 2;
        // EtcdFigures waits at most TTL + its scaled 10 s for Removed and fails beyond it; the scale may
        // move during the run, so this sanity bound takes the larger of before and after
        double atMost = ttl + Math.max(harnessWaitBefore, Samples.bound(10));
        assertThat(numbers(table, figure, "(?:p50|p99|min|max) " + NUMBER + " ms")).as(figure + ": p50, p99, min, max in ms").hasSize(4)
            .allSatisfy(ms -> assertThat(ms).isFinite().isBetween(atLeast, atMost));
      }
      for (String figure : List.of("FakeRegistry |", "EtcdRegistry client |")) {
        assertThat(numbers(table, figure, NUMBER + " bytes")).as("%s: heap retained per instance, bytes", figure)
            .singleElement().satisfies(b -> assertThat(b).isPositive().isLessThan((double) MAX_BYTES_PER_INSTANCE));
      }
    }

    @Test
    void theJunitFigureRuns() {
      // Its baseline is the plain Testcontainers way, which needs Docker even where our extension
      // could fall back to an etcd binary or REGISTRYKIT_ETCD_ENDPOINTS.
      needDocker();
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();

      double[] perTest = JunitFigures.run(new PrintStream(bytes, true, StandardCharsets.UTF_8), 1);

      assertThat(perTest).as("ms per test after the first: ours, then a container per class").hasSize(2);
      assertThat(List.of(perTest[0], perTest[1])).as("ms per test after the first: ours, then a container per class")
          .allSatisfy(ms -> assertThat(ms).isFinite().isPositive()
              .isLessThan((double) TimeScale.scaled(Duration.ofSeconds(60)).toMillis()));
      String table = bytes.toString(StandardCharsets.UTF_8);
      assertThat(table).contains("| 6. 50 tests in 5 classes", "| 6. of which the toolkit");
      assertThat(numbers(table, "| 6. of which the test body", NUMBER + " ms")).as("ms of a test body: ours, the baseline's")
          .hasSize(2).allSatisfy(ms -> assertThat(ms).isFinite().isPositive());
      assertThat(table).as("the baseline's etcd runs with the toolkit's flags")
          .contains(String.join(" ", JunitFigures.plainCommand(JunitFigures.plainImage())));
      assertThat(numbers(table, "| 9. 50 etcd tests", NUMBER + " ms")).as("ms of the whole run: parallel, sequential")
          .hasSize(2).allSatisfy(ms -> assertThat(ms).isFinite().isPositive());
    }
  }

  /**
   * Sane for a latency on loopback: the registry's default call timeout (5 s), scaled with the load as
   * the harness's own deadlines are.
   */
  private static double maxLatencyMs() {
    return Samples.bound(5);
  }

  /**
   * Skips the calling test without a Docker engine, or fails it where {@code registrykit.etcd.required}
   * (system property, or {@code REGISTRYKIT_ETCD_REQUIRED}) is true, as in CI.
   */
  private static void needDocker() {
    if (DockerClientFactory.instance().isDockerAvailable()) {
      return;
    }
    String required = System.getProperty("registrykit.etcd.required", System.getenv("REGISTRYKIT_ETCD_REQUIRED"));
    assertThat(Boolean.parseBoolean(required)).as("this test needs Docker, and registrykit.etcd.required is true").isFalse();
    Assumptions.abort("this test needs Docker");
  }

  /**
   * The numbers {@code regex} finds (its one group) on the table row after {@code row}: {@code
   * row}'s line must be there.
   */
  private static List<Double> numbers(String table, String row, String regex) {
    String line = table.lines().filter(l -> l.contains(row)).findFirst()
        .orElseThrow(() -> new AssertionError("no row " + row + " in:\n" + table));
    Matcher matcher = Pattern.compile(regex).matcher(line.substring(line.indexOf(row) + row.length()));
    List<Double> numbers = new ArrayList<>();
    while (matcher.find()) {
      numbers.add(Double.parseDouble(matcher.group(1).replace(",", "")));
    }
    return numbers;
  }
}
