package dev.registrykit.spring.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.registrykit.spring.EtcdConnectionDetails;
import dev.registrykit.Registry;
import dev.registrykit.junit.TimeScale;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.testcontainers.service.connection.ServiceConnection;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;

/**
 * An etcd container with {@code @ServiceConnection}: the application finds its etcd without any
 * {@code registrykit.endpoints}, registers itself there and discovers itself.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {"spring.application.name=OrderShippingService", "server.address=127.0.0.1"})
class EtcdServiceConnectionTest {

  static final String IMAGE = firstSet(System.getProperty("registrykit.etcd.image"),
      System.getenv("REGISTRYKIT_ETCD_IMAGE"), "gcr.io/etcd-development/etcd:v3.5.21");

  @ServiceConnection(name = "etcd")
  static final GenericContainer<?> ETCD = new GenericContainer<>(IMAGE)
      .withCommand("etcd", "--name=spring-test", "--data-dir=/tmp/etcd-data",
          "--listen-client-urls=http://0.0.0.0:2379", "--advertise-client-urls=http://127.0.0.1:2379")
      .withExposedPorts(2379)
      .withLabels(Map.of("dev.registrykit", "true"))
      .waitingFor(Wait.forLogMessage(".*ready to serve client requests.*", 1)
          .withStartupTimeout(TimeScale.scaled(Duration.ofSeconds(60)))); // Testcontainers' default, scaled

  /** The application's call timeout: the starter's default of 5 s, scaled. */
  @DynamicPropertySource
  static void callTimeout(DynamicPropertyRegistry properties) {
    properties.add("registrykit.call-timeout", () -> TimeScale.scaled(Duration.ofSeconds(5)).toMillis() + "ms");
  }

  @SpringBootConfiguration
  @EnableAutoConfiguration
  static class App {
  }

  @BeforeAll
  static void docker() {
    boolean required = Boolean.parseBoolean(firstSet(System.getProperty("registrykit.etcd.required"),
        System.getenv("REGISTRYKIT_ETCD_REQUIRED"), "false"));
    assumeTrue(required || DockerClientFactory.instance().isDockerAvailable(),
        "Docker is not available: the @ServiceConnection test needs it (REGISTRYKIT_ETCD_REQUIRED=true makes this fail)");
  }

  @AfterAll
  static void stopEtcd() {
    ETCD.stop();
  }

  @Autowired
  EtcdConnectionDetails connection;
  @Autowired
  Registry registry;
  @Value("${local.server.port}")
  int port;

  @Test
  void theApplicationUsesTheContainerAndRegistersThere() {
    assertThat(connection.endpoints()).containsExactly(
        URI.create("http://" + ETCD.getHost() + ":" + ETCD.getMappedPort(2379)));
    assertThat(registry.instances("OrderShippingService")).extracting(i -> i.address().toString())
        .isEqualTo(List.of("http://127.0.0.1:" + port));
  }

  private static String firstSet(String... values) {
    for (String value : values) {
      if (value != null && !value.isBlank()) {
        return value;
      }
    }
    throw new IllegalStateException("no value");
  }
}
