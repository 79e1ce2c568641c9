package dev.registrykit.spring.example;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The copy-paste {@code application.yaml} of docs/spring.md (once the README's) is the one this example
 * runs with, and its dependency list is exactly this example's (which {@code LoadBalancedCallTest}
 * shows is enough).
 */
class ReadmeConfigurationTest {

  private static final Pattern DEPENDENCY = Pattern.compile("<dependency>.*?</dependency>", Pattern.DOTALL);

  @Test
  void theSpringPagesApplicationYamlIsTheExamples() throws IOException {
    assertThat(block("yaml")).isEqualTo(Files.readString(Path.of("src", "main", "resources", "application.yaml")));
  }

  @Test
  void theSpringPagesDependenciesAreExactlyTheExamples() throws IOException {
    String pom = Files.readString(Path.of("pom.xml"));
    String own = pom.substring(pom.indexOf("</dependencyManagement>"));
    own = own.substring(own.indexOf("<dependencies>"), own.indexOf("</dependencies>"));

    assertThat(coordinates(block("xml"))).isNotEmpty().isEqualTo(coordinates(own));
  }

  /** The first {@code ```language} block of docs/spring.md's section "Spring Boot and Spring Cloud". */
  private static String block(String language) throws IOException {
    String page = Files.readString(Path.of("..", "..", "docs", "spring.md"));
    int section = page.indexOf("# Spring Boot and Spring Cloud\n");
    assertThat(section).as("docs/spring.md's section \"Spring Boot and Spring Cloud\"").isNotNegative();
    Matcher block = Pattern.compile("```" + language + "\n(.*?)```", Pattern.DOTALL).matcher(page);
    assertThat(block.find(section)).as("a " + language + " block in the section").isTrue();
    return block.group(1);
  }

  /** {@code groupId:artifactId[:scope]} of each dependency, in order; versions are the BOMs'. */
  private static List<String> coordinates(String xml) {
    List<String> all = new ArrayList<>();
    Matcher dependency = DEPENDENCY.matcher(xml);
    while (dependency.find()) {
      String d = dependency.group();
      String scope = element(d, "scope");
      all.add(element(d, "groupId") + ":" + element(d, "artifactId") + (scope.isEmpty() ? "" : ":" + scope));
    }
    return all;
  }

  private static String element(String xml, String name) {
    Matcher m = Pattern.compile("<" + name + ">(.*?)</" + name + ">").matcher(xml);
    return m.find() ? m.group(1) : "";
  }
}
