package dev.registrykit.examples.readme;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.registrykit.ServiceInstance;
import dev.registrykit.etcd.RegistrationConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * What the README says, checked against the code without needing etcd: every Java snippet is a
 * tagged region of a source file here (compiled with the tests; the class snippets run as tests of
 * their own, {@link ReadmeSnippetsTest} runs the others), the Maven coordinates are the BOM's, the
 * application's settings are those {@link RegistrationConfig} reads, and CI runs the README's test
 * command.
 */
class ReadmeTextTest {

  private static final Path README = Path.of("..", "README.md");
  private static final Path CI = Path.of("..", ".ci", "run");
  private static final Path SOURCES = Path.of("src", "test", "java", "dev", "registrykit", "examples", "readme");
  /** The Spring example's snippets live in its own module, which has Spring's dependencies. */
  private static final List<Path> SPRING_SOURCES = List.of(
      Path.of("..", "registry-spring-example", "src", "main", "java", "dev", "registrykit", "spring", "example"),
      Path.of("..", "registry-spring-example", "src", "test", "java", "dev", "registrykit", "spring", "example"));

  @Test
  void everyJavaSnippetInTheReadmeIsATaggedRegionOfCompiledCode() throws IOException {
    Map<String, String> readme = readmeSnippets();
    Map<String, String> regions = taggedRegions();

    assertThat(readme).as("README java snippets").isNotEmpty();
    assertThat(regions.keySet()).as("tagged regions").containsAll(readme.keySet());
    readme.forEach((name, code) -> assertThat(code).as("README snippet " + name).isEqualTo(regions.get(name)));
  }

  @Test
  void theFakeQuickStartIsALeaseExpiryTestInTenLines() throws IOException {
    assertThat(readmeSnippets().get("fake-quick-start").lines()).hasSize(10);
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

  @Test
  void ciRunsTheReadmeTestCommandAsWritten() throws IOException {
    String command = indentedLines(section("Run the tests")).get(0);
    assertThat(command).isEqualTo("./mvnw verify");
    assertThat(indentedLines(section("See it work: two commands")))
        .anySatisfy(line -> assertThat(line).startsWith(command + " "));

    assertThat(Files.readAllLines(CI)).as(".ci/run").map(String::strip)
        .anySatisfy(line -> assertThat(line).endsWith(" " + command));
  }

  @Test
  void theThreeVariablesOfTheApplicationSectionConfigureARegistration() throws IOException {
    Map<String, String> environment = new LinkedHashMap<>();
    for (String line : indentedLines(section("An application registers itself"))) {
      String[] assignment = line.split("=", 2);
      environment.put(assignment[0], assignment[1]);
    }
    assertThat(environment).containsOnlyKeys(
        "REGISTRYKIT_ENDPOINTS", "REGISTRYKIT_SERVICE_NAME", "REGISTRYKIT_SERVICE_ADDRESS");

    RegistrationConfig config = RegistrationConfig.fromEnvironment(environment);

    assertThat(config.endpoints()).containsExactly(environment.get("REGISTRYKIT_ENDPOINTS"));
    assertThat(config.instance().serviceName()).isEqualTo(environment.get("REGISTRYKIT_SERVICE_NAME"));
    assertThat(config.instance().address()).hasToString(environment.get("REGISTRYKIT_SERVICE_ADDRESS"));
    assertThat(config.ttl()).isEqualTo(Duration.ofSeconds(30));
  }

  @Test
  void theApplicationSettingsInTheReadmeAreTheOnesRegistrationConfigReads() throws IOException {
    Map<String, List<String>> rows = tableRows(section("Configuration of an application"));
    Map<String, String> samples = Map.of(
        "REGISTRYKIT_ENDPOINTS", "http://etcd-1:2379,http://etcd-2:2379",
        "REGISTRYKIT_SERVICE_NAME", "Billing",
        "REGISTRYKIT_SERVICE_ADDRESS", "http://10.0.0.9:8080",
        "REGISTRYKIT_INSTANCE_ID", "billing-1",
        "REGISTRYKIT_TTL", "PT12S",
        "REGISTRYKIT_NAMESPACE", "/apps");
    assertThat(rows.keySet()).as("the README's variables").containsExactlyInAnyOrderElementsOf(samples.keySet());
    Properties properties = new Properties();
    rows.forEach((variable, row) -> {
      assertThat(row.get(0)).as("the property key of " + variable)
          .isEqualTo(variable.toLowerCase(Locale.ROOT).replace('_', '.'));
      properties.setProperty(row.get(0), samples.get(variable));
    });

    RegistrationConfig expected = new RegistrationConfig(List.of("http://etcd-1:2379", "http://etcd-2:2379"), "/apps",
        ServiceInstance.of("Billing", "billing-1", "http://10.0.0.9:8080"), Duration.ofSeconds(12));
    assertThat(RegistrationConfig.fromEnvironment(samples)).isEqualTo(expected);
    assertThat(RegistrationConfig.fromProperties(properties)).isEqualTo(expected);

    Map<String, String> required = Map.of("REGISTRYKIT_SERVICE_NAME", "Billing",
        "REGISTRYKIT_SERVICE_ADDRESS", "http://10.0.0.9:8080");
    RegistrationConfig defaults = RegistrationConfig.fromEnvironment(required);
    assertThat(defaults.endpoints()).containsExactly(code(rows.get("REGISTRYKIT_ENDPOINTS").get(2)));
    assertThat(defaults.namespace()).isEqualTo(code(rows.get("REGISTRYKIT_NAMESPACE").get(2)));
    assertThat(defaults.ttl()).isEqualTo(Duration.ofSeconds(Long.parseLong(code(rows.get("REGISTRYKIT_TTL").get(2)))));
    assertThat(rows.get("REGISTRYKIT_INSTANCE_ID").get(2)).isEqualTo("a random UUID");
    assertThat(UUID.fromString(defaults.instance().instanceId())).isNotNull();
    for (String variable : required.keySet()) {
      assertThat(rows.get(variable).get(2)).isEqualTo("required");
      Map<String, String> without = new HashMap<>(required);
      without.remove(variable);
      assertThatThrownBy(() -> RegistrationConfig.fromEnvironment(without))
          .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith(variable + " is not set");
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
    for (Path directory : Stream.concat(Stream.of(SOURCES), SPRING_SOURCES.stream()).toList()) {
      try (Stream<Path> files = Files.list(directory)) {
        for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
          Matcher matcher = region.matcher(Files.readString(file));
          while (matcher.find()) {
            regions.put(matcher.group(1), normalize(matcher.group(2)));
          }
        }
      } catch (UncheckedIOException e) {
        throw e.getCause();
      }
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

  /** The text of the README section under {@code ## title}, up to the next heading of that level. */
  private static String section(String title) throws IOException {
    String text = Files.readString(README);
    int start = text.indexOf("\n## " + title + "\n");
    assertThat(start).as("README section \"" + title + "\"").isNotNegative();
    int end = text.indexOf("\n## ", start + 1);
    return text.substring(start, end < 0 ? text.length() : end);
  }

  /** The lines of the section's indented code blocks, without the indentation. */
  private static List<String> indentedLines(String section) {
    return section.lines().filter(line -> line.startsWith("    ") && !line.isBlank())
        .map(line -> line.strip()).toList();
  }

  /** The rows of the section's table, by the first column's code, each with the other columns. */
  private static Map<String, List<String>> tableRows(String section) {
    Map<String, List<String>> rows = new LinkedHashMap<>();
    section.lines().filter(line -> line.startsWith("| `")).forEach(line -> {
      List<String> cells = Stream.of(line.substring(1, line.length() - 1).split("\\|")).map(String::strip).toList();
      rows.put(code(cells.get(0)), List.of(code(cells.get(1)), cells.get(2), cells.get(3)));
    });
    return rows;
  }

  /** {@code `x`} without its backticks. */
  private static String code(String cell) {
    return cell.startsWith("`") && cell.endsWith("`") ? cell.substring(1, cell.length() - 1) : cell;
  }

  private static String between(String text, String open, String close) {
    int start = text.indexOf(open) + open.length();
    return text.substring(start, text.indexOf(close, start));
  }
}
