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
 * is back: still {@code UP} while the registration holds its lease ({@code ACTIVE}), each service
 * cache {@code STALE} (and still serving what it knew), answered without waiting on etcd (faster than
 * one call's timeout); {@code UP} with every cache {@code CURRENT} once etcd serves again. etcd of
 * this class's own, since it is stopped. With a TTL the outage outlasts, {@code DOWN} with the
 * registration {@code LOST} once its lease has run out, and {@code UP} again once it is registered anew.
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
  void upWithStaleCachesWhileEtcdIsUnreachableAndCurrentOnceItIsBack(EtcdHandle etcd, EtcdRegistry registry,
      RegistryTime time) {
    // a TTL longer than the outage can last (until STALE is seen, at most RegistryTime's eventuallyTimeout, plus
    // etcd's restart), so the registrations stay ACTIVE throughout: the outage alone does not make health DOWN
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
    long asked = System.nanoTime();
    OrderShippingApps.Response outage = get(consumer, "/actuator/health/registrykit");
    Duration answeredIn = Duration.ofNanos(System.nanoTime() - asked);
    assertThat(answeredIn).as("answered without waiting on etcd: faster than one call's timeout (scaled)")
        .isLessThan(TimeScale.scaled(Duration.ofSeconds(2)));
    assertThat(outage.statusCode()).isEqualTo(200);
    assertThat(outage.at("/status")).isEqualTo("\"UP\"");
    assertThat(outage.fieldsAt("/details")).containsExactlyInAnyOrder("registry", "registration", "caches");
    assertThat(outage.at("/details/registry")).startsWith("\"EtcdRegistry[");
    assertThat(outage.at("/details/caches")).isEqualTo("{\"OrderShippingService\":\"STALE\"}");
    assertThat(outage.node("/details/registration")).as("its lease has not run out").isEqualTo(registration);
    assertThat(reached(consumer, 2)).as("a stale cache serves what it knew").containsExactly("provider-a");
    OrderShippingApps.Response providerOutage = get(provider, "/actuator/health/registrykit");
    assertThat(providerOutage.statusCode()).isEqualTo(200);
    assertThat(providerOutage.fieldsAt("/details")).containsExactlyInAnyOrder("registry", "registration");
    assertThat(providerOutage.at("/details/registration/state")).isEqualTo("\"ACTIVE\"");

    etcd.start();

    time.eventually(() -> assertUp(get(consumer, "/actuator/health/registrykit"), registration));
    assertThat(get(provider, "/actuator/health/registrykit").at("/details/registration/state"))
        .isEqualTo("\"ACTIVE\"");
  }

  @Test
  void downOnceTheRegistrationIsLostAndUpWhenItIsRegisteredAgain(EtcdHandle etcd, EtcdRegistry registry,
      RegistryTime time) {
    // a TTL the outage outlasts: keep-alive fails while etcd is stopped, so the client-side deadline turns
    // the registration LOST, which is when health goes DOWN; recovery registers it again once etcd is back
    apps = new OrderShippingApps(context -> { },
        OrderShippingApps.onEtcd(etcd, registry, TimeScale.scaled(Duration.ofSeconds(2))));
    ConfigurableApplicationContext provider = apps.provider("provider-a");
    assertThat(get(provider, "/actuator/health/registrykit").at("/details/registration/state"))
        .isEqualTo("\"ACTIVE\"");

    etcd.stop();

    time.eventually(() -> assertThat(get(provider, "/actuator/health/registrykit").statusCode()).isEqualTo(503));
    OrderShippingApps.Response lost = get(provider, "/actuator/health/registrykit");
    assertThat(lost.at("/status")).isEqualTo("\"DOWN\"");
    assertThat(lost.fieldsAt("/details")).containsExactlyInAnyOrder("registry", "registration");
    assertThat(lost.at("/details/registration/state")).isEqualTo("\"LOST\"");
    assertThat(lost.at("/details/registration/instanceId")).isEqualTo("\"provider-a\"");

    etcd.start();

    time.eventually(() -> {
      OrderShippingApps.Response back = get(provider, "/actuator/health/registrykit");
      assertThat(back.statusCode()).isEqualTo(200);
      assertThat(back.at("/status")).isEqualTo("\"UP\"");
      assertThat(back.at("/details/registration/state")).isEqualTo("\"ACTIVE\"");
    });
  }

  private static void assertUp(OrderShippingApps.Response health, JsonNode registration) {
    assertThat(health.at("/status")).isEqualTo("\"UP\"");
    assertThat(health.statusCode()).isEqualTo(200);
    assertThat(health.fieldsAt("/details")).containsExactlyInAnyOrder("registry", "registration", "caches");
    assertThat(health.at("/details/registry")).startsWith("\"EtcdRegistry[");
    assertThat(health.node("/details/registration")).isEqualTo(registration);
    assertThat(health.at("/details/caches")).isEqualTo("{\"OrderShippingService\":\"CURRENT\"}");
  }
}
