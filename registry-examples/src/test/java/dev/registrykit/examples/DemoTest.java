package dev.registrykit.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The README's demo command: prints the timeline in order and exits 0 by itself. */
class DemoTest {

  @Test
  void theDemoTellsTheWholeStoryAndExitsZero() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    long start = System.nanoTime();

    int exit = Demo.run(new String[0], new PrintStream(bytes, true, StandardCharsets.UTF_8));

    String out = bytes.toString(StandardCharsets.UTF_8);
    long seconds = (System.nanoTime() - start) / 1_000_000_000;
    assertThat(exit).as(out).isZero();
    assertThat(seconds).as("demo duration in seconds").isLessThan(60);
    assertThat(out).containsSubsequence(
        "+ i-1 registered",
        "leader of the migrations: i-1",
        "i-1 crashes",
        "- i-1 is gone from the registry",
        "took over",
        "shuts down cleanly",
        "done: registered now: []");
  }

  @Test
  void badArgumentsPrintTheUsage() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    assertThat(Demo.run(new String[] {"--etc"}, new PrintStream(bytes, true, StandardCharsets.UTF_8))).isEqualTo(2);
    assertThat(bytes.toString(StandardCharsets.UTF_8)).isEqualTo("usage: Demo [--etcd http://host:2379]\n");
  }
}
