package dev.registrykit.spring;

import static dev.registrykit.spring.OrderShippingApps.get;
import static dev.registrykit.spring.OrderShippingApps.reached;
import static org.assertj.core.api.Assertions.assertThat;

import dev.registrykit.etcd.EtcdRegistry;
import dev.registrykit.junit.etcd.EtcdHandle;
import dev.registrykit.junit.EtcdLifecycle;
import dev.registrykit.junit.EtcdRegistryTest;
import dev.registrykit.junit.RegistryTime;
import dev.registrykit.junit.TimeScale;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code /actuator/health/registrykit} of real applications while their etcd is stopped and after it
 * is back: {@code DOWN} because etcd cannot be reached, with the error, each service cache {@code
 * STALE} (and still serving what it knew), the registration still {@code ACTIVE}; {@code UP} with
 * every cache {@code CURRENT} once etcd serves again. etcd of this class's own, since it is stopped.
 */
@EtcdRegistryTest(lifecycle = EtcdLifecycle.PER_CLASS)
class SpringHealthOnEtcdTest {

  private OrderShippingApps apps;

  @AfterEach
  void close() {
    if (apps != null) {
      apps.close();
    }
  }

  @Test
  void downWithStaleCachesWhileEtcdIsUnreachableAndUpOnceItIsBack(EtcdHandle etcd, EtcdRegistry registry,
      RegistryTime time) {
    // a TTL longer than the outage can last (until DOWN is seen, at most RegistryTime's eventuallyTimeout, plus
    // etcd's restart), so the registrations stay ACTIVE throughout: the DOWN seen is etcd's absence, not a lost lease
    apps = new OrderShippingApps(context -> { },
        OrderShippingApps.onEtcd(etcd, registry, TimeScale.scaled(Duration.ofSeconds(60))));
    ConfigurableApplicationContext provider = apps.provider("provider-a");
    ConfigurableApplicationContext consumer = apps.consumer();
    assertThat(reached(consumer, 2)).containsExactly("provider-a"); // the consumer's cache of the service starts
    JsonNode registration = JsonMapper.builder().build().valueToTree(Map.of("service", "OrderConsumer",
        "instanceId", "consumer", "state", "ACTIVE",
        "address", "http://127.0.0.1:" + consumer.getEnvironment().getProperty("local.server.port")));
    assertUp(get(consumer, "/actuator/health/registrykit"), registration);

    etcd.stop();

    time.eventually(() -> assertThat(get(consumer, "/actuator/health/registrykit").at("/details/caches"))
        .isEqualTo("{\"OrderShippingService\":\"STALE\"}"));
    OrderShippingApps.Response down = get(consumer, "/actuator/health/registrykit");
    assertThat(down.statusCode()).isEqualTo(503);
    assertThat(down.at("/status")).isEqualTo("\"DOWN\"");
    assertThat(down.fieldsAt("/details")).containsExactlyInAnyOrder("registry", "error", "registration", "caches");
    assertThat(down.at("/details/error")).startsWith("\"RegistryUnavailableException: services (get "
        + registry.namespace() + "/*) failed: etcd at " + etcd.endpoints() + " ");
    assertThat(down.at("/details/caches")).isEqualTo("{\"OrderShippingService\":\"STALE\"}");
    assertThat(down.node("/details/registration")).as("its lease has not run out").isEqualTo(registration);
    assertThat(reached(consumer, 2)).as("a stale cache serves what it knew").containsExactly("provider-a");
    OrderShippingApps.Response providerDown = get(provider, "/actuator/health/registrykit");
    assertThat(providerDown.statusCode()).isEqualTo(503);
    assertThat(providerDown.fieldsAt("/details")).containsExactlyInAnyOrder("registry", "error", "registration");

    etcd.start();

    time.eventually(() -> assertUp(get(consumer, "/actuator/health/registrykit"), registration));
    time.eventually(() -> assertThat(get(provider, "/actuator/health/registrykit").statusCode()).isEqualTo(200));
  }

  private static void assertUp(OrderShippingApps.Response health, JsonNode registration) {
    assertThat(health.at("/status")).isEqualTo("\"UP\"");
    assertThat(health.statusCode()).isEqualTo(200);
    assertThat(health.fieldsAt("/details")).containsExactlyInAnyOrder("registry", "services", "registration", "caches");
    assertThat(health.at("/details/registry")).startsWith("\"EtcdRegistry[");
    assertThat(health.at("/details/services")).isEqualTo("2");
    assertThat(health.node("/details/registration")).isEqualTo(registration);
    assertThat(health.at("/details/caches")).isEqualTo("{\"OrderShippingService\":\"CURRENT\"}");
  }
}
