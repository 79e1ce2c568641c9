package dev.registrykit.spring;

import static dev.registrykit.spring.OrderShippingApps.SERVICE;
import static dev.registrykit.spring.OrderShippingApps.get;
import static dev.registrykit.spring.OrderShippingApps.reached;
import static org.assertj.core.api.Assertions.assertThat;

import dev.registrykit.RegistrationState;
import dev.registrykit.ServiceInstance;
import dev.registrykit.fake.FakeClock;
import dev.registrykit.fake.FakeRegistry;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.cloud.client.discovery.DiscoveryClient;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Two providers and a consumer, real Spring Boot applications with real HTTP between them, on one
 * shared {@link FakeRegistry}: no etcd, no sleep.
 */
class SpringAppsOnFakeTest {

  private final FakeRegistry registry = FakeRegistry.create();
  private final OrderShippingApps apps = new OrderShippingApps(
      context -> context.getBeanFactory().registerSingleton("sharedFakeRegistry", registry));

  @AfterEach
  void close() {
    apps.close();
    registry.close();
  }

  @Test
  void aClosedProviderIsNoLongerChosen() {
    OrderShippingApps.Started started = apps.twoProvidersAndAConsumer();
    ConfigurableApplicationContext consumer = started.consumer();

    started.a().close();                                   // deregisters at once: the key is deleted

    assertThat(registry.instances(SERVICE)).extracting(ServiceInstance::instanceId).containsExactly("provider-b");
    assertThat(consumer.getBean(DiscoveryClient.class).getInstances(SERVICE))
        .extracting(org.springframework.cloud.client.ServiceInstance::getInstanceId).containsExactly("provider-b");
    assertThat(reached(consumer, 6)).containsExactly("provider-b");
  }

  @Test
  void aCrashedProviderIsNoLongerChosenOnceItsLeaseRunsOut() {
    OrderShippingApps.Started started = apps.twoProvidersAndAConsumer();
    ConfigurableApplicationContext a = started.a();
    ConfigurableApplicationContext consumer = started.consumer();
    FakeClock clock = registry.clock();
    var crashed = a.getBean(RegistrykitRegistration.class).handle().orElseThrow();

    registry.crash(crashed);                      // keep-alive stops; its web server still answers
    clock.advance(Duration.ofSeconds(29)); // time: load-free (fake clock)
    assertThat(reached(consumer, 6)).as("before its 30 s TTL").containsExactlyInAnyOrder("provider-a", "provider-b");
    clock.advance(Duration.ofSeconds(2)); // time: load-free (fake clock; past the TTL: the key expires right here)

    assertThat(reached(consumer, 6)).containsExactly("provider-b");
    assertThat(crashed.state()).isEqualTo(RegistrationState.LOST);
    OrderShippingApps.Response health = get(a, "/actuator/health/registrykit");
    assertThat(health.statusCode()).isEqualTo(503);
    assertThat(health.at("/status")).isEqualTo("\"DOWN\"");
    assertThat(health.at("/details/registration/state")).isEqualTo("\"LOST\"");
  }

  @Test
  void actuatorHealthShowsTheRegistration() {
    ConfigurableApplicationContext a = apps.provider("provider-a");

    OrderShippingApps.Response health = get(a, "/actuator/health");

    assertThat(health.statusCode()).isEqualTo(200);
    assertThat(health.at("/components/registrykit/status")).isEqualTo("\"UP\"");
    assertThat(health.at("/components/registrykit/details/registration/state")).isEqualTo("\"ACTIVE\"");
    assertThat(health.at("/components/registrykit/details/registration/instanceId")).isEqualTo("\"provider-a\"");
    assertThat(health.at("/components/registrykit/details/registration/address"))
        .isEqualTo("\"http://127.0.0.1:" + a.getEnvironment().getProperty("local.server.port") + "\"");
    assertThat(registry.instances(SERVICE)).extracting(i -> i.address().toString())
        .isEqualTo(List.of("http://127.0.0.1:" + a.getEnvironment().getProperty("local.server.port")));
  }
}
