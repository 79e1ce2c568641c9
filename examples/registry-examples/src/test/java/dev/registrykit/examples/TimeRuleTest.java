package dev.registrykit.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Keeps the one rule for time in tests (ARCHITECTURE.md) true: in every module's {@code src/test/java}
 * and in the toolkit's {@code src/main/java} (registry-junit's and registry-junit-etcd's: its own waits), a time bound written as a
 * literal fails this test, naming its file and line, unless the line passes through {@code TimeScale}
 * (or a {@code scaled(…)} of its own) or says why it needs not with {@value #MARKER}{@code <why>)}.
 * One test per scanned tree, so a module's count stands alone. README snippets ({@code // tag::…}
 * regions) are the users' application code, shown as it is, and are not scanned; comment lines neither.
 */
class TimeRuleTest {

  /** The marker of a literal that is not a bound on this machine's work (say, a timeout meant to expire). */
  static final String MARKER = "// time: load-free (";

  private static final String UNIT = "(?:TimeUnit\\.)?(?:NANOSECONDS|MICROSECONDS|MILLISECONDS|SECONDS|MINUTES|HOURS|DAYS)";
  private static final String LITERAL_DURATION = "Duration\\.of(?:Nanos|Millis|Seconds|Minutes|Hours)\\(\\s*\\d";

  /** What a fixed bound looks like, with what to call it in the failure. */
  private static final List<Rule> RULES = List.of(
      new Rule("a literal with a TimeUnit (get, await, waitFor, atMost, withDeadlineAfter …)",
          Pattern.compile("\\(\\s*\\d[\\d_]*L?\\s*,\\s*" + UNIT + "\\s*\\)")),
      new Rule("atMost of a literal Duration", Pattern.compile("\\batMost\\(\\s*" + LITERAL_DURATION)),
      new Rule("a timeout of a literal (withCallTimeout, setReadTimeout, timeout …)",
          Pattern.compile("\\b(?:withCallTimeout|withStartTimeout|withConnectTimeout|setConnectTimeout|setReadTimeout"
              + "|withTimeout|timeout|assertTimeout|assertTimeoutPreemptively)\\(\\s*(?:" + LITERAL_DURATION + "|\\d)")),
      new Rule("assertTimeout", Pattern.compile("\\bassertTimeout(?:Preemptively)?\\(")),
      new Rule("a wait of a literal (join, awaitLeadership, awaitTermination, waitFor)",
          Pattern.compile("\\b(?:join|awaitLeadership|awaitTermination|waitFor)\\(\\s*(?:" + LITERAL_DURATION + "|\\d)")),
      new Rule("an elapsed time held to a literal Duration",
          Pattern.compile("\\bisLessThan(?:OrEqualTo)?\\(\\s*" + LITERAL_DURATION)));

  private static final Pattern EXEMPT = Pattern.compile("TimeScale|\\bscaled\\(|" + Pattern.quote(MARKER));

  record Rule(String name, Pattern pattern) {
  }

  @TestFactory
  Stream<DynamicTest> noTreeHoldsATimeBoundWrittenAsALiteral() {
    Path root = repositoryRoot();
    List<Path> trees = new ArrayList<>();
    try (Stream<Path> modules = Files.walk(root, 3)) { // modules at the root or one folder down (tests/, examples/ ...)
      modules.filter(module -> !module.getFileName().toString().startsWith(".")
              && !module.toString().contains("/target/") && Files.isDirectory(module.resolve("src/test/java")))
          .sorted().forEach(module -> trees.add(module.resolve("src/test/java")));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    trees.add(root.resolve("registry-junit/src/main/java"));
    trees.add(root.resolve("registry-junit-etcd/src/main/java"));
    assertThat(trees).as("the trees scanned").hasSizeGreaterThan(5);
    return trees.stream().map(tree -> DynamicTest.dynamicTest(root.relativize(tree).toString(), () -> {
      List<String> found = scan(root, tree);
      assertThat(found).as("time bounds written as literals in %s: pass each through TimeScale.scaled(…), or replace "
          + "it by an observation that does not depend on load, or say why it is not a bound with %s<why>) "
          + "(ARCHITECTURE.md, the one rule for time in tests)", root.relativize(tree), MARKER).isEmpty();
    }));
  }

  /** Every fixed bound under {@code tree}, as {@code file:line: rule: the line}. */
  private static List<String> scan(Path root, Path tree) throws IOException {
    List<String> found = new ArrayList<>();
    try (Stream<Path> files = Files.walk(tree)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".java")).sorted().toList()) {
        if (file.getFileName().toString().equals("TimeRuleTest.java")) {
          continue; // its rules and samples are the patterns themselves
        }
        String name = root.relativize(file).toString();
        violations(Files.readAllLines(file)).forEach(v -> found.add(name + ":" + v));
      }
    }
    return found;
  }

  /** The lines of one file that hold a fixed bound, as {@code line: rule: text}. */
  static List<String> violations(List<String> lines) {
    List<String> found = new ArrayList<>();
    boolean inSnippet = false;
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.startsWith("// tag::")) {
        inSnippet = true;
      } else if (line.startsWith("// end::")) {
        inSnippet = false;
      }
      if (inSnippet || line.startsWith("*") || line.startsWith("//") || line.startsWith("/*")
          || EXEMPT.matcher(line).find()) {
        continue;
      }
      for (Rule rule : RULES) {
        if (rule.pattern().matcher(line).find()) {
          found.add((i + 1) + ": " + rule.name() + ": " + line);
          break;
        }
      }
    }
    return found;
  }

  /** The checkout: up from the module's directory to the one with the parent pom and ARCHITECTURE.md. */
  private static Path repositoryRoot() {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.isRegularFile(dir.resolve("pom.xml")) && Files.isRegularFile(dir.resolve("ARCHITECTURE.md"))) {
        return dir;
      }
    }
    throw new IllegalStateException("no directory with pom.xml and ARCHITECTURE.md above " + Path.of("").toAbsolutePath());
  }

  // ------------------------------------------------------------------------------ the scan itself

  @Test
  void theScanFlagsEveryKindOfFixedBoundAndNamesItsLine() {
    List<String> flagged = violations(List.of(
        "await().atMost(Duration.ofSeconds(10)).until(done);",
        "await().atMost(5, SECONDS).until(done);",
        "EtcdRegistry.builder().withCallTimeout(Duration.ofMillis(900)).build();",
        "stub.withDeadlineAfter(5, TimeUnit.SECONDS).call();",
        "client.getKVClient().get(key).get(5, TimeUnit.SECONDS);",
        "assertTimeout(Duration.ofSeconds(1), () -> work());",
        "Awaitility.await().pollInterval(Duration.ofMillis(50)).atMost(Duration.ofMinutes(1)).until(done);",
        "process.waitFor(20, TimeUnit.SECONDS);",
        "thread.join(Duration.ofSeconds(10).toMillis());",
        "connection.setReadTimeout(500);",
        "assertThat(took).isLessThan(Duration.ofSeconds(5));",
        "await().timeout(Duration.ofSeconds(5)).until(done);"));

    assertThat(flagged).hasSize(12);
    assertThat(flagged.get(0)).isEqualTo("1: atMost of a literal Duration: await().atMost(Duration.ofSeconds(10)).until(done);");
    assertThat(flagged.get(4)).startsWith("5: a literal with a TimeUnit");
  }

  @Test
  void aScaledBoundAMarkedOneACommentAndAReadmeSnippetPass() {
    assertThat(violations(List.of(
        "await().atMost(TimeScale.scaled(Duration.ofSeconds(10))).until(done);",
        "future.get(scaled(Duration.ofSeconds(5)).toMillis(), TimeUnit.MILLISECONDS);",
        "assertThatThrownBy(() -> f.get(1, TimeUnit.SECONDS)) " + MARKER + "a timeout the test expects)",
        " * await().atMost(Duration.ofSeconds(5)).until(...);",
        "// tag::leader-migration[]",
        "if (me.awaitLeadership(Duration.ofMinutes(1))) {",
        "// end::leader-migration[]",
        "registry.register(instance, Duration.ofSeconds(30));",
        "clock.advance(Duration.ofSeconds(31));",
        "FakeRegistry.builder().withElectionTimeout(Duration.ofMillis(1200)).build();",
        "await().pollInterval(Duration.ofMillis(50)).during(Duration.ofMillis(500));"))).isEmpty();
  }
}
