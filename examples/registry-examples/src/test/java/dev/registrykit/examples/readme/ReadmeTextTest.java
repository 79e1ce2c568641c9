package dev.registrykit.examples.readme;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.registrykit.ServiceInstance;
import dev.registrykit.etcd.RegistrationConfig;
import java.io.IOException;
import java.io.StringReader;
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
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.xml.sax.InputSource;

/**
 * What the README and the pages under {@code docs/} say, checked against the code without needing
 * etcd: every Java snippet is a tagged region of a source file here (compiled with the tests; the
 * class snippets run as tests of their own, {@link ReadmeSnippetsTest} runs the others) and every
 * tagged region is shown on some page, the Maven coordinates are the BOM's, the application's
 * settings are those {@link RegistrationConfig} reads, CI runs the test command of the pages, and
 * their relative links lead to a file and heading that exist.
 */
class ReadmeTextTest {

  private static final Path README = Path.of("..", "..", "README.md");
  /** The pages a topic moved to from the README; {@link #pages()} reads every one of them. */
  private static final Path DOCS = Path.of("..", "..", "docs");
  private static final Path CI = Path.of("..", "..", ".ci", "run");
  private static final Path SOURCES = Path.of("src", "test", "java", "dev", "registrykit", "examples", "readme");
  /** The Spring example's snippets live in its own module, which has Spring's dependencies. */
  private static final List<Path> SPRING_SOURCES = List.of(
      Path.of("..", "registry-spring-example", "src", "main", "java", "dev", "registrykit", "spring", "example"),
      Path.of("..", "registry-spring-example", "src", "test", "java", "dev", "registrykit", "spring", "example"));
  /** Every folder whose sources hold README snippets as tagged regions. */
  private static final List<Path> SNIPPET_SOURCES =
      Stream.concat(Stream.of(SOURCES), SPRING_SOURCES.stream()).toList();

  @Test
  void everyJavaSnippetOnThePagesIsATaggedRegionOfCompiledCode() throws IOException {
    Map<String, Snippet> pages = pageSnippets();
    Map<String, String> regions = taggedRegions();

    assertThat(pages).as("java snippets of the README and docs/").isNotEmpty();
    assertThat(regions.keySet()).as("tagged regions").containsAll(pages.keySet());
    pages.forEach((name, snippet) -> assertThat(withoutImports(snippet.code())).as(snippet.describe())
        .isEqualTo(regions.get(name)));
  }

  /**
   * A snippet moved between pages is still checked wherever it now is; one that left every page
   * (its tagged region still compiled and run, but shown nowhere) fails here, naming the region.
   */
  @Test
  void everyTaggedRegionIsShownOnAPage() throws IOException {
    assertThat(pageSnippets().keySet()).as("the snippets of the README and docs/ pages")
        .containsAll(taggedRegions().keySet());
  }

  /** Each relative link of the README and docs/ leads to a file, and its #anchor to one of that page's headings. */
  @Test
  void everyRelativeLinkLeadsToAFileAndHeading() throws IOException {
    Pattern link = Pattern.compile("\\]\\(([^)\\s]+)\\)");
    int checked = 0;
    for (Path page : pages()) {
      Matcher matcher = link.matcher(outsideCode(Files.readString(page)));
      while (matcher.find()) {
        String target = matcher.group(1);
        if (target.matches("[a-z]+:.*")) {
          continue; // https:, mailto:
        }
        int hash = target.indexOf('#');
        Path file = hash == 0 ? page : page.resolveSibling(hash < 0 ? target : target.substring(0, hash));
        assertThat(file).as(page + ": the link " + target).exists();
        if (hash >= 0) {
          assertThat(anchors(file)).as(page + ": the link " + target).contains(target.substring(hash + 1));
        }
        checked++;
      }
    }
    assertThat(checked).as("relative links checked").isGreaterThan(20);
  }

  /**
   * A newcomer pastes a snippet and needs its imports: each snippet starts with exactly the imports
   * of its compiled source that its code uses, in the source's order, then a blank line.
   */
  @Test
  void everyJavaSnippetStartsWithTheImportsItsCodeUses() throws IOException {
    Map<String, List<String>> sourceImports = regionImports();
    pageSnippets().forEach((name, snippet) -> {
      String code = snippet.code();
      String body = withoutImports(code);
      List<String> needed = sourceImports.get(name).stream().filter(line -> uses(body, line)).toList();
      List<String> imports = code.lines().takeWhile(line -> !line.isEmpty()).toList();
      assertThat(needed).as("imports snippet " + name + " needs").isNotEmpty();
      assertThat(imports).as(snippet.describe() + "'s imports").containsExactlyElementsOf(needed);
      assertThat(code).as(snippet.describe()).startsWith(String.join("\n", needed) + "\n\n");
    });
  }

  /**
   * The Go section's table of layouts: on each row's namespace, a registry reads the Go endpoint
   * under the row's key and writes its own instances under the Go manager's target, and the Go
   * client's target names that same prefix (etcd's resolver drops the target path's leading '/').
   */
  @Test
  void theGoLayoutsTableNamesPrefixesThatMeet() throws IOException {
    String readme = Files.readString(DOCS.resolve("format.md"));
    String table = readme.substring(readme.indexOf("<!-- table: go-layouts"));
    List<String[]> rows = table.lines().skip(3).takeWhile(line -> line.startsWith("| ")).map(line ->
        Stream.of(line.split("\\|")).map(String::strip).filter(cell -> !cell.isEmpty())
            .map(cell -> cell.replace("`", "")).toArray(String[]::new)).toList();

    assertThat(rows).as("rows of the go-layouts table").hasSize(2);
    for (String[] row : rows) {
      String namespace = row[1];
      String key = row[2];
      String managerTarget = row[3];
      String goTarget = row[4];
      String service = managerTarget.substring(managerTarget.lastIndexOf('/') + 1);
      assertThat(key).as(row[0]).startsWith(managerTarget + "/").startsWith(namespace + "/" + service + "/");
      assertThat(goTarget).as(row[0]).isEqualTo("etcd:///" + managerTarget);
      assertThat(java.net.URI.create(goTarget).getPath().substring(1)).as("the prefix Go's resolver follows")
          .isEqualTo(managerTarget);
      try (dev.registrykit.fake.FakeRegistry registry =
               dev.registrykit.fake.FakeRegistry.builder().withNamespace(namespace).build()) {
        registry.putRaw(key, "{\"Op\":0,\"Addr\":\"10.0.0.7:50051\",\"Metadata\":null}");
        assertThat(registry.instances(service)).as(row[0] + ": the Go endpoint under " + key).hasSize(1);
        registry.register(ServiceInstance.of(service, "java-1", "http://10.0.0.8:9090"));
        assertThat(registry.getRaw(managerTarget + "/java-1")).as(row[0] + ": ours under Go's target").isPresent();
      }
    }
  }

  @Test
  void theFakeQuickStartIsALeaseExpiryTestInTenLines() throws IOException {
    Snippet quickStart = pageSnippets().get("fake-quick-start");
    assertThat(quickStart.page()).as("the fake's quick start is the README's").isEqualTo(README);
    assertThat(withoutImports(quickStart.code()).lines()).hasSize(10);
  }

  /**
   * Debian's Maven 3.8 in an empty project compiles for Java 5-8 and runs surefire 2.12.4, which
   * does not see JUnit 5 (0 tests, BUILD SUCCESS): the snippet is a consumer's whole build section,
   * with the release and the plugin versions of registrykit's own build, and the surefire reporter that
   * keeps the [fake]/[etcd] names in the XML reports.
   */
  @Test
  void theMavenSnippetIsACompleteConsumerBuildWithRegistrykitsPluginVersions() throws Exception {
    Element snippet = xml("<project>" + mavenSnippet() + "</project>");
    Element parent = xml(Files.readString(Path.of("..", "..", "pom.xml")));

    assertThat(text(snippet, "properties", "maven.compiler.release"))
        .isEqualTo(text(parent, "properties", "maven.compiler.release")).isEqualTo("17");
    Map<String, Element> plugins = plugins(single(snippet, "build", "plugins"));
    Map<String, Element> managed = plugins(single(parent, "build", "pluginManagement", "plugins"));
    assertThat(plugins).containsOnlyKeys("maven-compiler-plugin", "maven-surefire-plugin");
    plugins.forEach((artifact, plugin) -> {
      assertThat(text(plugin, "groupId")).isEqualTo("org.apache.maven.plugins");
      assertThat(text(plugin, "version")).as(artifact + "'s version, as registrykit's build")
          .isEqualTo(text(managed.get(artifact), "version"));
    });
    assertThat(Integer.parseInt(text(plugins.get("maven-surefire-plugin"), "version").split("\\.")[0]))
        .as("surefire 3 runs JUnit 5 without any other setting").isGreaterThanOrEqualTo(3);
    Element reporter = single(plugins.get("maven-surefire-plugin"), "configuration", "statelessTestsetReporter");
    Element ours = single(managed.get("maven-surefire-plugin"), "configuration", "statelessTestsetReporter");
    assertThat(reporter.getAttribute("implementation")).isEqualTo(ours.getAttribute("implementation"));
    assertThat(text(reporter, "usePhrasedTestCaseMethodName")).isEqualTo(text(ours, "usePhrasedTestCaseMethodName"))
        .isEqualTo("true");
  }

  @Test
  void theMavenCoordinatesAreThoseOfTheBom() throws IOException {
    String snippet = mavenSnippet();
    String bom = Files.readString(Path.of("..", "..", "registry-bom", "pom.xml"));
    String version = between(bom, "<version>", "</version>");

    assertThat(snippet).contains("<artifactId>registry-bom</artifactId>", "<version>" + version + "</version>");
    Matcher artifacts = Pattern.compile("<artifactId>(registry-[a-z-]+)</artifactId>").matcher(snippet);
    int count = 0;
    while (artifacts.find()) {
      assertThat(bom).as("the BOM manages " + artifacts.group(1)).contains("<artifactId>" + artifacts.group(1) + "</artifactId>");
      assertThat(Files.isDirectory(Path.of("..", "..", artifacts.group(1)))).as("module " + artifacts.group(1)).isTrue();
      count++;
    }
    assertThat(count).as("the BOM and the two artifacts").isEqualTo(3);
  }

  @Test
  void ciRunsTheReadmeTestCommandAsWritten() throws IOException {
    String command = indentedLines(section(DOCS.resolve("running-tests.md"), "Run the tests")).get(0);
    assertThat(command).isEqualTo("./mvnw verify");
    assertThat(indentedLines(section(README, "See it work: two commands")))
        .anySatisfy(line -> assertThat(line).startsWith(command + " "));

    assertThat(Files.readAllLines(CI)).as(".ci/run").map(String::strip)
        .anySatisfy(line -> assertThat(line).endsWith(" " + command));
  }

  @Test
  void theThreeVariablesOfTheApplicationSectionConfigureARegistration() throws IOException {
    Map<String, String> environment = new LinkedHashMap<>();
    for (String line : indentedLines(section(DOCS.resolve("application.md"), "An application registers itself"))) {
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
    Map<String, List<String>> rows = tableRows(section(DOCS.resolve("application.md"), "Configuration of an application"));
    String file = README.toString(); // any readable file: the PEM files are read when the registry is built
    Map<String, String> samples = Map.ofEntries(
        Map.entry("REGISTRYKIT_ENDPOINTS", "https://etcd-1:2379,https://etcd-2:2379"),
        Map.entry("REGISTRYKIT_SERVICE_NAME", "Billing"),
        Map.entry("REGISTRYKIT_SERVICE_ADDRESS", "http://10.0.0.9:8080"),
        Map.entry("REGISTRYKIT_INSTANCE_ID", "billing-1"),
        Map.entry("REGISTRYKIT_TTL", "PT12S"),
        Map.entry("REGISTRYKIT_NAMESPACE", "/apps"),
        Map.entry("REGISTRYKIT_CALL_TIMEOUT", "2s"),
        Map.entry("REGISTRYKIT_AUTH_USER", "billing"),
        Map.entry("REGISTRYKIT_AUTH_PASSWORD", "billing-secret"),
        Map.entry("REGISTRYKIT_TLS_CA_FILE", file),
        Map.entry("REGISTRYKIT_TLS_CLIENT_CERTIFICATE_FILE", file),
        Map.entry("REGISTRYKIT_TLS_CLIENT_KEY_FILE", file));
    assertThat(rows.keySet()).as("the README's variables").containsExactlyInAnyOrderElementsOf(samples.keySet());
    Properties properties = new Properties();
    rows.forEach((variable, row) -> {
      assertThat(row.get(0).toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_'))
          .as("the variable of the property key " + row.get(0)).isEqualTo(variable);
      properties.setProperty(row.get(0), samples.get(variable));
    });

    RegistrationConfig expected = new RegistrationConfig(List.of("https://etcd-1:2379", "https://etcd-2:2379"), "/apps",
        ServiceInstance.of("Billing", "billing-1", "http://10.0.0.9:8080"), Duration.ofSeconds(12), Duration.ofSeconds(2),
        java.util.Optional.of(new RegistrationConfig.Auth("billing", "billing-secret")),
        java.util.Optional.of(dev.registrykit.etcd.Tls.trusting(README).withClientCertificate(README, README)));
    assertThat(RegistrationConfig.fromEnvironment(samples)).isEqualTo(expected);
    assertThat(RegistrationConfig.fromProperties(properties)).isEqualTo(expected);

    Map<String, String> required = Map.of("REGISTRYKIT_SERVICE_NAME", "Billing",
        "REGISTRYKIT_SERVICE_ADDRESS", "http://10.0.0.9:8080");
    RegistrationConfig defaults = RegistrationConfig.fromEnvironment(required);
    assertThat(defaults.endpoints()).containsExactly(code(rows.get("REGISTRYKIT_ENDPOINTS").get(2)));
    assertThat(defaults.namespace()).isEqualTo(code(rows.get("REGISTRYKIT_NAMESPACE").get(2)));
    assertThat(defaults.ttl()).isEqualTo(Duration.ofSeconds(Long.parseLong(code(rows.get("REGISTRYKIT_TTL").get(2)))));
    assertThat(defaults.callTimeout()).isEqualTo(Duration.ofSeconds(5)).hasToString("PT" + code(
        rows.get("REGISTRYKIT_CALL_TIMEOUT").get(2)).toUpperCase(Locale.ROOT));
    assertThat(defaults.auth()).isEmpty();
    assertThat(defaults.tls()).isEmpty();
    assertThat(rows.get("REGISTRYKIT_INSTANCE_ID").get(2)).isEqualTo("a random UUID");
    assertThat(UUID.fromString(defaults.instance().instanceId()).version()).as("a random (version 4) UUID").isEqualTo(4);
    for (String variable : required.keySet()) {
      assertThat(rows.get(variable).get(2)).isEqualTo("required");
      Map<String, String> without = new HashMap<>(required);
      without.remove(variable);
      assertThatThrownBy(() -> RegistrationConfig.fromEnvironment(without))
          .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith(variable + " is not set");
    }
  }

  // ------------------------------------------------------------------------------ parsing

  private static String mavenSnippet() throws IOException {
    Matcher block = Pattern.compile("<!-- snippet: maven[^>]*-->\\n```xml\\n(.*?)```", Pattern.DOTALL)
        .matcher(Files.readString(README));
    assertThat(block.find()).as("the README's maven snippet").isTrue();
    return block.group(1);
  }

  private static Element xml(String text) throws Exception {
    return DocumentBuilderFactory.newInstance().newDocumentBuilder()
        .parse(new InputSource(new StringReader(text))).getDocumentElement();
  }

  /** The one child element down {@code path}. */
  private static Element single(Element from, String... path) {
    Element current = from;
    for (String name : path) {
      List<Element> found = children(current, name);
      assertThat(found).as("<" + name + "> in <" + current.getTagName() + ">").hasSize(1);
      current = found.get(0);
    }
    return current;
  }

  private static String text(Element from, String... path) {
    return single(from, path).getTextContent().strip();
  }

  private static List<Element> children(Element parent, String name) {
    List<Element> found = new ArrayList<>();
    for (Node node = parent.getFirstChild(); node != null; node = node.getNextSibling()) {
      if (node instanceof Element element && element.getTagName().equals(name)) {
        found.add(element);
      }
    }
    return found;
  }

  private static Map<String, Element> plugins(Element plugins) {
    Map<String, Element> byArtifact = new LinkedHashMap<>();
    children(plugins, "plugin").forEach(plugin -> byArtifact.put(text(plugin, "artifactId"), plugin));
    return byArtifact;
  }

  /** A snippet's code after its imports (and the blank line after them). */
  static String withoutImports(String snippet) {
    List<String> lines = snippet.lines().toList();
    int start = 0;
    while (start < lines.size() && lines.get(start).startsWith("import ")) {
      start++;
    }
    if (start > 0 && start < lines.size() && lines.get(start).isEmpty()) {
      start++;
    }
    return String.join("\n", lines.subList(start, lines.size()));
  }

  /** Whether {@code code} uses what the import line brings in: its simple name, or its static member. */
  private static boolean uses(String code, String importLine) {
    String imported = importLine.substring(0, importLine.length() - 1); // without ';'
    String name = imported.substring(imported.lastIndexOf('.') + 1);
    return Pattern.compile("\\b" + Pattern.quote(name) + "\\b").matcher(code).find();
  }

  /** The Java files of {@link #SNIPPET_SOURCES}: both the snippets' imports and their regions come from these. */
  private static List<Path> snippetSourceFiles() throws IOException {
    List<Path> sources = new ArrayList<>();
    for (Path directory : SNIPPET_SOURCES) {
      try (Stream<Path> files = Files.list(directory)) {
        files.filter(f -> f.toString().endsWith(".java")).sorted().forEach(sources::add);
      }
    }
    return sources;
  }

  /** The import lines of the source file of each tagged region. */
  static Map<String, List<String>> regionImports() throws IOException {
    Map<String, List<String>> imports = new LinkedHashMap<>();
    Pattern region = Pattern.compile("// tag::([a-z-]+)\\[\\]");
    for (Path file : snippetSourceFiles()) {
      String text = Files.readString(file);
      List<String> lines = text.lines().filter(line -> line.startsWith("import ")).toList();
      region.matcher(text).results().forEach(match -> imports.put(match.group(1), lines));
    }
    return imports;
  }

  private static final Pattern PAGE_SNIPPET =
      Pattern.compile("<!-- snippet: ([a-z-]+)[^>]*-->\\n```java\\n(.*?)```", Pattern.DOTALL);

  /** A Java snippet of a page: its code as shown, imports and all. */
  record Snippet(Path page, String name, String code) {
    String describe() {
      return "snippet " + name + " of " + page;
    }
  }

  /** The README, then every page under docs/, by name. */
  static List<Path> pages() throws IOException {
    List<Path> pages = new ArrayList<>(List.of(README));
    try (Stream<Path> files = Files.list(DOCS)) {
      files.filter(f -> f.toString().endsWith(".md")).sorted().forEach(pages::add);
    }
    return pages;
  }

  /** Every page's Java snippets by name; a name shown on two pages fails, as does a ```java block without a marker. */
  static Map<String, Snippet> pageSnippets() throws IOException {
    Map<String, Snippet> snippets = new LinkedHashMap<>();
    for (Path page : pages()) {
      String text = Files.readString(page);
      Matcher matcher = PAGE_SNIPPET.matcher(text);
      int found = 0;
      while (matcher.find()) {
        Snippet snippet = new Snippet(page, matcher.group(1), normalize(matcher.group(2)));
        Snippet before = snippets.put(snippet.name(), snippet);
        assertThat(before).as(snippet.describe() + ", already shown in " + (before == null ? "" : before.page())).isNull();
        found++;
      }
      long javaBlocks = Pattern.compile("```java").matcher(text).results().count();
      assertThat(found).as(page + ": every ```java block is preceded by a snippet marker").isEqualTo((int) javaBlocks);
    }
    return snippets;
  }

  static Map<String, String> taggedRegions() throws IOException {
    Map<String, String> regions = new LinkedHashMap<>();
    Pattern region = Pattern.compile("// tag::([a-z-]+)\\[\\]\\n(.*?)\\n\\s*// end::\\1\\[\\]", Pattern.DOTALL);
    for (Path file : snippetSourceFiles()) {
      Matcher matcher = region.matcher(Files.readString(file));
      while (matcher.find()) {
        regions.put(matcher.group(1), normalize(matcher.group(2)));
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

  /**
   * The text of the page's section headed {@code title} (at any level), up to the next heading of
   * that level or a higher one.
   */
  private static String section(Path page, String title) throws IOException {
    List<String> lines = outsideCode(Files.readString(page)).lines().toList();
    List<String> all = Files.readString(page).lines().toList();
    int start = -1;
    int level = 0;
    for (int i = 0; i < lines.size(); i++) {
      Matcher heading = HEADING.matcher(lines.get(i));
      if (heading.matches() && start < 0 && heading.group(2).equals(title)) {
        start = i;
        level = heading.group(1).length();
      } else if (heading.matches() && start >= 0 && heading.group(1).length() <= level) {
        return String.join("\n", all.subList(start, i));
      }
    }
    assertThat(start).as(page + ": section \"" + title + "\"").isNotNegative();
    return String.join("\n", all.subList(start, all.size()));
  }

  private static final Pattern HEADING = Pattern.compile("(#{1,6}) (.+)");

  /** The page with the lines of its fenced code blocks blanked, so that a {@code #} in code is no heading. */
  private static String outsideCode(String text) {
    List<String> lines = new ArrayList<>();
    boolean fenced = false;
    for (String line : text.lines().toList()) {
      boolean fence = line.startsWith("```");
      lines.add(fenced || fence ? "" : line);
      fenced ^= fence;
    }
    return String.join("\n", lines);
  }

  /** The anchors GitHub gives the page's headings: lower case, without punctuation, spaces as hyphens. */
  private static List<String> anchors(Path page) throws IOException {
    return outsideCode(Files.readString(page)).lines().map(HEADING::matcher).filter(Matcher::matches)
        .map(heading -> heading.group(2).toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N} _-]", "").replace(' ', '-'))
        .toList();
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
