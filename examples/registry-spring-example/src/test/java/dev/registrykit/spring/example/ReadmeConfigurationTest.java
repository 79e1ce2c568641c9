package dev.registrykit.spring.example;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The copy-paste {@code application.yaml} of docs/spring.md (once the README's) is the one this example runs with. */
class ReadmeConfigurationTest {

  @Test
  void theSpringPagesApplicationYamlIsTheExamples() throws IOException {
    String page = Files.readString(Path.of("..", "..", "docs", "spring.md"));
    int section = page.indexOf("# Spring Boot and Spring Cloud\n");
    assertThat(section).as("docs/spring.md's section \"Spring Boot and Spring Cloud\"").isNotNegative();
    Matcher yaml = Pattern.compile("```yaml\n(.*?)```", Pattern.DOTALL).matcher(page);
    assertThat(yaml.find(section)).as("a yaml block in the section").isTrue();

    assertThat(yaml.group(1)).isEqualTo(Files.readString(Path.of("src", "main", "resources", "application.yaml")));
  }
}
