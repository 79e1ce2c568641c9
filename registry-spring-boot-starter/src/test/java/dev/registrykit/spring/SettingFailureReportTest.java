package dev.registrykit.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/**
 * A bad {@code registrykit.*} setting stops the application with Spring Boot's "APPLICATION FAILED TO
 * START" report, and that report (what the user reads, not the stack trace) names the key, the value
 * as written and the rule. Each case starts a real {@code SpringApplication}; no etcd is contacted.
 */
@ExtendWith(OutputCaptureExtension.class)
class SettingFailureReportTest {

  @SpringBootConfiguration
  @ImportAutoConfiguration(RegistrykitAutoConfiguration.class)
  static class App {
  }

  /** The failure report printed when the application starts with {@code properties}. */
  private static String report(CapturedOutput output, String... properties) {
    int before = output.getAll().length();
    assertThatThrownBy(() -> new SpringApplicationBuilder(App.class).web(WebApplicationType.NONE)
        .properties("spring.main.banner-mode=off", "spring.application.name=OrderShippingService")
        .properties(properties).run().close()).as("a start with %s", String.join(", ", properties)).isNotNull();
    String printed = output.getAll().substring(before);
    int start = printed.indexOf("APPLICATION FAILED TO START");
    assertThat(start).as("Spring Boot's failure report for %s in:%n%s", String.join(", ", properties), printed)
        .isNotNegative();
    return printed.substring(start);
  }

  private static void namesKeyValueAndRule(String report, String key, String value, String rule) {
    assertThat(report).contains("Description:", "Action:")
        .doesNotContain("Failed to bind properties under"); // ours, not the bind report that names a prefix
    String description = report.substring(report.indexOf("Description:"), report.indexOf("Action:"));
    String action = report.substring(report.indexOf("Action:"));
    assertThat(description).contains(key).contains(value).contains(rule);
    assertThat(action).as("the action of:%n%s", report).contains(key);
  }

  /** A setting, the key its report names, the value as the report quotes it, and a phrase of the rule. */
  static Stream<Arguments> badSettings() {
    return Stream.of(
        Arguments.of("registrykit.ttl=0s", "registrykit.ttl", "\"0s\"", "whole seconds"),
        Arguments.of("registrykit.ttl=500ms", "registrykit.ttl", "\"500ms\"", "whole seconds"),
        Arguments.of("registrykit.call-timeout=0s", "registrykit.call-timeout", "\"0s\"", "positive"),
        Arguments.of("registrykit.endpoints=not-a-url", "registrykit.endpoints", "\"not-a-url\"",
            "http(s) URIs with host and port"),
        Arguments.of("registrykit.endpoints=http://127.0.0.1:2379,localhost:2379", "registrykit.endpoints",
            "\"localhost:2379\" is bad", "http(s) URIs with host and port"),
        Arguments.of("registrykit.endpoints=http://127.0.0.1:2379,https://127.0.0.1:2380", "registrykit.endpoints",
            "https://127.0.0.1:2380", "all https://"),
        Arguments.of("registrykit.endpoints=https://127.0.0.1:2379", "registrykit.tls.ca-file",
            "https://127.0.0.1:2379", "https://"),
        Arguments.of("registrykit.namespace=/services/", "registrykit.namespace", "\"/services/\"",
            "no trailing '/'"),
        Arguments.of("registrykit.auth.user=orders", "registrykit.auth.password", "not set", "registrykit.auth.user"),
        Arguments.of("registrykit.service.name=order shipping", "registrykit.service.name", "\"order shipping\"",
            "[A-Za-z0-9._-]"),
        Arguments.of("registrykit.service.address=/orders", "registrykit.service.address", "\"/orders\"",
            "absolute URI with a host"),
        Arguments.of("registrykit.instance.id=a/b", "registrykit.instance.id", "\"a/b\"", "[A-Za-z0-9._-]"),
        Arguments.of("registrykit.discovery.scheme=1http", "registrykit.discovery.scheme", "\"1http\"", "URI scheme"),
        Arguments.of("registrykit.discovery.metadata[zone/a]=eu", "registrykit.discovery.metadata", "\"zone/a\"",
            "[A-Za-z0-9._-]"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badSettings")
  void reportNamesKeyValueAndRule(String setting, String key, String value, String rule, CapturedOutput output) {
    namesKeyValueAndRule(report(output, setting), key, value, rule);
  }

  @Test
  void ttlThatIsNoDurationAtAllIsNamedBySpringBoot(CapturedOutput output) {
    assertThat(report(output, "registrykit.ttl=ten")).contains("registrykit.ttl", "ten");
  }

  @Test
  void tlsFiles(@TempDir Path dir, CapturedOutput output) throws Exception {
    Path missing = dir.resolve("missing.pem");
    Path notPem = Files.writeString(dir.resolve("ca.pem"), "not a certificate");
    String https = "registrykit.endpoints=https://127.0.0.1:23790";
    namesKeyValueAndRule(report(output, https, "registrykit.tls.ca-file=" + missing), "registrykit.tls.ca-file",
        missing.toString(), "readable file");
    namesKeyValueAndRule(report(output, https, "registrykit.tls.ca-file=" + notPem), "registrykit.tls.ca-file",
        notPem.toString(), "PEM");
    namesKeyValueAndRule(report(output, https, "registrykit.tls.client-certificate-file=" + notPem),
        "registrykit.tls.ca-file", "not set", "registrykit.tls.client-certificate-file");
    namesKeyValueAndRule(report(output, https, "registrykit.tls.ca-file=" + notPem,
        "registrykit.tls.client-certificate-file=" + notPem), "registrykit.tls.client-key-file", "not set",
        "registrykit.tls.client-certificate-file");
    namesKeyValueAndRule(report(output, "registrykit.tls.ca-file=" + notPem), "registrykit.tls.ca-file",
        notPem.toString(), "PEM");                    // checked before the http:// endpoint is
  }
}
