package dev.registrykit.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The README's demo command, on the in-memory registry: prints the timeline in order and exits 0 by itself. */
class DemoTest {

  /** The story the README tells, in order; the lines of the crashed leader's lease and listing each appear once. */
  static void assertTheWholeStory(String out) {
    assertThat(out).containsSubsequence(
        "+ i-1 registered at http://10.0.0.1:5000",
        "i-1 leads (fencing token ",
        "i-1 migrated batch 1 of 3",
        "i-1 crashes in batch 2: its process dies without deregistering or resigning",
        "i-2 leads (fencing token ",
        "i-2 migrated batch 2 of 3",
        "i-2 migrated batch 3 of 3",
        "i-2 finds the migration complete",
        "i-2 took over and finished the migration; registered now: [i-2, i-3]",
        "i-2 shuts down cleanly",
        "i-3 shuts down cleanly",
        "done: registered now: []");
    // The election's observer and the candidate hear of a new leader each on its own: in either order.
    assertThat(out).containsSubsequence("leader of the migrations: i-1", "i-1 crashes", "leader of the migrations: i-2",
        "i-2 took over");
    assertThat(out).containsSubsequence("i-1 crashes", "lease of i-1 expired: no keep-alive for its TTL of 3 s",
        "i-2 took over");
    assertThat(out).containsSubsequence("i-1 crashes", "- i-1 is gone from the listing", "i-2 took over");
    assertThat(out.split("lease of i-1 expired", -1)).as("lease expiry lines").hasSize(2);
    assertThat(out.split("i-1 is gone from the listing", -1)).as("disappearance lines").hasSize(2);
    assertThat(out).as("the crashed leader says nothing after its crash")
        .doesNotContain("i-1 migrated batch 2").doesNotContain("i-1 stops");
  }

  @Test
  void theDemoTellsTheWholeStoryAndExitsZero() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();

    int exit = Demo.run(new String[0], new PrintStream(bytes, true, StandardCharsets.UTF_8));

    String out = bytes.toString(StandardCharsets.UTF_8);
    assertThat(exit).as(out).isZero();
    assertThat(out).startsWith("[  0.0 s] in-memory registry (FakeRegistry moved by real time); TTL 3 s");
    assertTheWholeStory(out);
    assertThat(out).containsSubsequence("lease of i-1 expired", "- i-1 is gone from the listing");
  }

  @Test
  void badArgumentsPrintTheUsage() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    assertThat(Demo.run(new String[] {"--etc"}, new PrintStream(bytes, true, StandardCharsets.UTF_8))).isEqualTo(2);
    assertThat(bytes.toString(StandardCharsets.UTF_8)).isEqualTo("usage: Demo [--etcd http://host:2379]\n");
  }
}
