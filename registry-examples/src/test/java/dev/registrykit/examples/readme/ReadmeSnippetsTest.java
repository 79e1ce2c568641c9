package dev.registrykit.examples.readme;

import static org.assertj.core.api.Assertions.assertThat;

import dev.registrykit.Candidacy;
import dev.registrykit.Election;
import dev.registrykit.Registry;
import dev.registrykit.ServiceInstance;
import dev.registrykit.etcd.EtcdRegistry;
import dev.registrykit.junit.EtcdHandle;
import dev.registrykit.junit.EtcdRegistryTest;
import dev.registrykit.junit.RegistryTime;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every Java snippet of the README is a tagged region of a source file here, compiled with the
 * tests; this class checks that the README shows exactly those regions. The class snippets
 * (OrdersLeaseTest, OrdersLeaseOnEtcdTest, FakeRegistryContractTest) run as tests of their own;
 * this class runs the other two.
 */
@EtcdRegistryTest
class ReadmeSnippetsTest {

  private static final Path README = Path.of("..", "README.md");
  private static final Path SOURCES = Path.of("src", "test", "java", "dev", "registrykit", "examples", "readme");

  @Test
  void everyJavaSnippetInTheReadmeIsATaggedRegionOfCompiledCode() throws IOException {
    Map<String, String> readme = readmeSnippets();
    Map<String, String> regions = taggedRegions();

    assertThat(readme).as("README java snippets").isNotEmpty();
    assertThat(regions.keySet()).as("tagged regions").containsAll(readme.keySet());
    readme.forEach((name, code) -> assertThat(code).as("README snippet " + name).isEqualTo(regions.get(name)));
  }

  @Test
  void theMavenCoordinatesAreThoseOfTheBom() throws IOException {
    Matcher block = Pattern.compile("<!-- snippet: maven[^>]*-->\\n```xml\\n(.*?)```", Pattern.DOTALL)
        .matcher(Files.readString(README));
    assertThat(block.find()).as("the README's maven snippet").isTrue();
    String snippet = block.group(1);
    String bom = Files.readString(Path.of("..", "registrykit-bom", "pom.xml"));
    String version = between(bom, "<version>", "</version>");

    assertThat(snippet).contains("<artifactId>registrykit-bom</artifactId>", "<version>" + version + "</version>");
    Matcher artifacts = Pattern.compile("<artifactId>(registry-[a-z]+)</artifactId>").matcher(snippet);
    int count = 0;
    while (artifacts.find()) {
      assertThat(bom).as("the BOM manages " + artifacts.group(1)).contains("<artifactId>" + artifacts.group(1) + "</artifactId>");
      assertThat(Files.isDirectory(Path.of("..", artifacts.group(1)))).as("module " + artifacts.group(1)).isTrue();
      count++;
    }
    assertThat(count).isEqualTo(2);
  }

  private static String between(String text, String open, String close) {
    int start = text.indexOf(open) + open.length();
    return text.substring(start, text.indexOf(close, start));
  }

  @Test
  void theApplicationRegistersOnStartAndDeregistersOnShutdown(EtcdHandle etcd, Registry registry, RegistryTime time)
      throws Exception {
    ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), RegisterItself.class.getName());
    builder.environment().put("REGISTRYKIT_ENDPOINTS", etcd.endpoints().get(0).toString());
    builder.environment().put("REGISTRYKIT_NAMESPACE", ((EtcdRegistry) registry).namespace());
    builder.environment().put("REGISTRYKIT_SERVICE_NAME", "OrderShippingService");
    builder.environment().put("REGISTRYKIT_SERVICE_ADDRESS", "http://localhost:5000");
    builder.environment().put("REGISTRYKIT_INSTANCE_ID", "readme-app");
    builder.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
    Process app = builder.start();
    try {
      ServiceInstance expected = ServiceInstance.of("OrderShippingService", "readme-app", "http://localhost:5000");
      time.eventually(() -> assertThat(registry.instances("OrderShippingService")).containsExactly(expected));

      try (OutputStream stdin = app.getOutputStream()) {
        stdin.write("stop\n".getBytes(StandardCharsets.UTF_8));
      }
      assertThat(app.waitFor(20, TimeUnit.SECONDS)).as("the application exits").isTrue();
      assertThat(app.exitValue()).isZero();
      assertThat(registry.instances("OrderShippingService")).as("deregistered at shutdown").isEmpty();
    } finally {
      app.destroyForcibly();
    }
  }

  @Test
  void theMigrationRunsOnlyOnTheLeader(Registry registry) {
    List<Long> migrations = new ArrayList<>();
    String instanceId = "i-1";
    Candidacy earlier = registry.election("orders-migrations").campaign("i-0", Duration.ofSeconds(10));
    earlier.close();
    runMigrationSnippet(registry, instanceId, migrations::add);

    assertThat(migrations).hasSize(1);
    assertThat(migrations.get(0)).isPositive();
    assertThat(registry.election("orders-migrations").leader()).as("resigned after the migration").isEmpty();
  }

  private static void runMigrationSnippet(Registry registry, String instanceId, java.util.function.LongConsumer runMigrations) {
    Runner runner = new Runner(runMigrations);
    runner.run(registry, instanceId);
  }

  /** Hosts the snippet so that it reads as in the README. */
  private static final class Runner {
    private final java.util.function.LongConsumer migrations;

    Runner(java.util.function.LongConsumer migrations) {
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

  // ------------------------------------------------------------------------------ parsing

  private static final Pattern README_SNIPPET =
      Pattern.compile("<!-- snippet: ([a-z-]+)[^>]*-->\\n```java\\n(.*?)```", Pattern.DOTALL);

  static Map<String, String> readmeSnippets() throws IOException {
    String text = Files.readString(README);
    Map<String, String> snippets = new LinkedHashMap<>();
    Matcher matcher = README_SNIPPET.matcher(text);
    while (matcher.find()) {
      snippets.put(matcher.group(1), normalize(matcher.group(2)));
    }
    long javaBlocks = Pattern.compile("```java").matcher(text).results().count();
    assertThat(snippets).as("every ```java block is preceded by a snippet marker").hasSize((int) javaBlocks);
    return snippets;
  }

  static Map<String, String> taggedRegions() throws IOException {
    Map<String, String> regions = new LinkedHashMap<>();
    Pattern region = Pattern.compile("// tag::([a-z-]+)\\[\\]\\n(.*?)\\n\\s*// end::\\1\\[\\]", Pattern.DOTALL);
    try (Stream<Path> files = Files.list(SOURCES)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
        Matcher matcher = region.matcher(Files.readString(file));
        while (matcher.find()) {
          regions.put(matcher.group(1), normalize(matcher.group(2)));
        }
      }
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
    return regions;
  }

  /** Drops the common indentation and trailing blanks, so a region inside a method compares to the README's. */
  static String normalize(String code) {
    List<String> lines = new ArrayList<>(code.lines().map(String::stripTrailing).toList());
    while (!lines.isEmpty() && lines.get(lines.size() - 1).isEmpty()) {
      lines.remove(lines.size() - 1);
    }
    int indent = lines.stream().filter(l -> !l.isBlank()).mapToInt(l -> l.length() - l.stripLeading().length())
        .min().orElse(0);
    return String.join("\n", lines.stream().map(l -> l.isBlank() ? "" : l.substring(indent)).toList());
  }
}
