package dev.registrykit.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.registrykit.etcd.EtcdRegistry;
import dev.registrykit.junit.etcd.EtcdHandle;
import dev.registrykit.junit.TimeScale;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.cloud.client.loadbalancer.LoadBalanced;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.client.RestClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Real Spring Boot applications for the tests: providers of {@code OrderShippingService} that answer
 * {@code GET /whoami} with their instance id, and a consumer that calls them through a
 * {@code @LoadBalanced RestClient}. Each runs a web server on 127.0.0.1 and a random port.
 */
final class OrderShippingApps implements AutoCloseable {

  static final String SERVICE = "OrderShippingService";

  private final List<ConfigurableApplicationContext> contexts = new ArrayList<>();
  private final ApplicationContextInitializer<ConfigurableApplicationContext> initializer;
  private final List<String> properties;

  /** Apps started with {@code initializer} and {@code properties} besides the common ones. */
  OrderShippingApps(ApplicationContextInitializer<ConfigurableApplicationContext> initializer, String... properties) {
    this.initializer = initializer;
    this.properties = List.of(properties);
  }

  /** Answers which instance it is. */
  @RestController
  static class WhoAmI {
    private final RegistrykitRegistration me;

    WhoAmI(RegistrykitRegistration me) {
      this.me = me;
    }

    @GetMapping("/whoami")
    String whoami() {
      return me.getInstanceId();
    }
  }

  /** A provider of {@code OrderShippingService}. */
  @SpringBootConfiguration
  @EnableAutoConfiguration
  @Import(WhoAmI.class)
  static class Provider {
  }

  /** A consumer: calls {@code http://OrderShippingService/...} through Spring Cloud LoadBalancer. */
  @SpringBootConfiguration
  @EnableAutoConfiguration
  static class Consumer {
    @Bean
    @LoadBalanced
    RestClient.Builder loadBalancedRestClientBuilder() {
      return RestClient.builder();
    }
  }

  /**
   * The {@code registrykit.*} properties of apps on {@code etcd}, in {@code registry}'s namespace:
   * the lease TTL {@code scaledTtl} (already scaled by the caller, rounded up here to whole seconds, as
   * leases are) and a call timeout of 2 s (the toolkit's registries') scaled by {@link TimeScale}.
   */
  static String[] onEtcd(EtcdHandle etcd, EtcdRegistry registry, Duration scaledTtl) {
    long ttlSeconds = Math.max(1, (scaledTtl.toMillis() + 999) / 1000);
    return new String[] {
        "registrykit.endpoints=" + etcd.endpoints().stream().map(Object::toString).collect(Collectors.joining(",")),
        "registrykit.namespace=" + registry.namespace(), "registrykit.ttl=" + ttlSeconds + "s",
        "registrykit.call-timeout=" + TimeScale.scaled(Duration.ofSeconds(2)).toMillis() + "ms"};
  }

  ConfigurableApplicationContext provider(String instanceId) {
    return start(Provider.class, "spring.application.name=" + SERVICE, "registrykit.instance.id=" + instanceId);
  }

  /** Providers {@code provider-a} and {@code provider-b} and a consumer that is seen to reach both. */
  Started twoProvidersAndAConsumer() {
    Started started = new Started(provider("provider-a"), provider("provider-b"), consumer());
    assertThat(reached(started.consumer(), 6)).containsExactlyInAnyOrder("provider-a", "provider-b");
    return started;
  }

  /** The applications of {@link #twoProvidersAndAConsumer()}. */
  record Started(ConfigurableApplicationContext a, ConfigurableApplicationContext b,
      ConfigurableApplicationContext consumer) {
  }

  ConfigurableApplicationContext consumer() {
    return start(Consumer.class, "spring.application.name=OrderConsumer", "registrykit.instance.id=consumer");
  }

  private ConfigurableApplicationContext start(Class<?> application, String... own) {
    List<String> all = new ArrayList<>(List.of("server.port=0", "server.address=127.0.0.1",
        "spring.main.banner-mode=off", "management.endpoints.web.exposure.include=health",
        "management.endpoint.health.show-details=always", "logging.level.root=WARN",
        "logging.level.dev.registrykit=INFO"));
    all.addAll(properties);
    all.addAll(List.of(own));
    ConfigurableApplicationContext context = new SpringApplicationBuilder(application)
        .properties(all.toArray(String[]::new)).initializers(initializer).run();
    contexts.add(context);
    return context;
  }

  /** The instance ids that {@code count} calls of the consumer reached, in order of first answer. */
  static Set<String> reached(ConfigurableApplicationContext consumer, int count) {
    RestClient client = consumer.getBean(RestClient.Builder.class).build();
    Set<String> answers = new LinkedHashSet<>();
    for (int i = 0; i < count; i++) {
      answers.add(client.get().uri("http://" + SERVICE + "/whoami").retrieve().body(String.class));
    }
    return answers;
  }

  /** A response: its status and body. */
  record Response(int statusCode, String body) {
    /** The value at {@code pointer} (such as {@code /components/registrykit/status}) of the JSON body, as JSON text. */
    String at(String pointer) {
      return JsonMapper.builder().build().readTree(body).at(pointer).toString();
    }

    /** The JSON value at {@code pointer} of the body (objects compare by their fields, in any order). */
    JsonNode node(String pointer) {
      return JsonMapper.builder().build().readTree(body).at(pointer);
    }

    /** The names of the fields of the JSON object at {@code pointer}, in the body's order. */
    List<String> fieldsAt(String pointer) {
      return List.copyOf(JsonMapper.builder().build().readTree(body).at(pointer).propertyNames());
    }
  }

  /** GET {@code path} of {@code app}'s own web server. */
  static Response get(ConfigurableApplicationContext app, String path) {
    URI uri = URI.create("http://127.0.0.1:" + app.getEnvironment().getProperty("local.server.port") + path);
    try {
      HttpURLConnection connection = (HttpURLConnection) uri.toURL().openConnection();
      try {
        int status = connection.getResponseCode();
        try (InputStream body = status >= 400 ? connection.getErrorStream() : connection.getInputStream()) {
          return new Response(status, new String(body.readAllBytes(), StandardCharsets.UTF_8));
        }
      } finally {
        connection.disconnect();
      }
    } catch (IOException e) {
      throw new UncheckedIOException("GET " + uri + " failed", e);
    }
  }

  @Override
  public void close() {
    contexts.forEach(ConfigurableApplicationContext::close);
  }
}
