package dev.registrykit.spring.example;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The README's copy-paste {@code application.yaml} is the one this example runs with. */
class ReadmeConfigurationTest {

  @Test
  void theReadmesApplicationYamlIsTheExamples() throws IOException {
    String readme = Files.readString(Path.of("..", "..", "README.md"));
    int section = readme.indexOf("\n## Spring Boot and Spring Cloud\n");
    assertThat(section).as("README section \"Spring Boot and Spring Cloud\"").isNotNegative();
    Matcher yaml = Pattern.compile("```yaml\n(.*?)```", Pattern.DOTALL).matcher(readme);
    assertThat(yaml.find(section)).as("a yaml block in the section").isTrue();

    assertThat(yaml.group(1)).isEqualTo(Files.readString(Path.of("src", "main", "resources", "application.yaml")));
  }
}
