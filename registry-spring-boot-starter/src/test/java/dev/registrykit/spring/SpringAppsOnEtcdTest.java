package dev.registrykit.spring;

import static dev.registrykit.spring.OrderShippingApps.SERVICE;
import static dev.registrykit.spring.OrderShippingApps.get;
import static dev.registrykit.spring.OrderShippingApps.reached;
import static org.assertj.core.api.Assertions.assertThat;

import dev.registrykit.ServiceInstance;
import dev.registrykit.etcd.EtcdRegistry;
import dev.registrykit.etcd.internal.EtcdTestAccess;
import dev.registrykit.junit.etcd.EtcdHandle;
import dev.registrykit.junit.EtcdRegistryTest;
import dev.registrykit.junit.RegistryTime;
import dev.registrykit.junit.TimeScale;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The same applications as {@link SpringAppsOnFakeTest}, each with its own {@link EtcdRegistry}
 * from {@code registrykit.*} properties, on the toolkit's real etcd: in the namespace of the test's
 * registry, so tests never see each other's instances.
 */
@EtcdRegistryTest
class SpringAppsOnEtcdTest {

  private OrderShippingApps apps;

  private OrderShippingApps apps(EtcdHandle etcd, EtcdRegistry registry) {
    apps = new OrderShippingApps(context -> { },
        OrderShippingApps.onEtcd(etcd, registry, TimeScale.scaled(Duration.ofSeconds(1))));
    return apps;
  }

  @AfterEach
  void close() {
    if (apps != null) {
      apps.close();
    }
  }

  @Test
  void aClosedProviderIsNoLongerChosen(EtcdHandle etcd, EtcdRegistry registry, RegistryTime time) {
    OrderShippingApps.Started started = apps(etcd, registry).twoProvidersAndAConsumer();
    ConfigurableApplicationContext consumer = started.consumer();

    started.a().close();                                         // deregisters at once

    assertThat(registry.instances(SERVICE)).extracting(ServiceInstance::instanceId).containsExactly("provider-b");
    time.eventually(() -> assertThat(reached(consumer, 6)).containsExactly("provider-b"));
  }

  @Test
  void aCrashedProviderIsNoLongerChosenOnceItsLeaseRunsOut(EtcdHandle etcd, EtcdRegistry registry, RegistryTime time) {
    OrderShippingApps.Started started = apps(etcd, registry).twoProvidersAndAConsumer();
    ConfigurableApplicationContext a = started.a();
    ConfigurableApplicationContext consumer = started.consumer();
    RegistrykitRegistration crashed = a.getBean(RegistrykitRegistration.class);

    EtcdTestAccess.crash(a.getBean(EtcdRegistry.class), crashed.handle().orElseThrow()); // keep-alive stops; it still answers HTTP

    time.eventually(() -> assertThat(reached(consumer, 6)).containsExactly("provider-b"));
    assertThat(registry.instances(SERVICE)).extracting(ServiceInstance::instanceId).containsExactly("provider-b");
  }

  @Test
  void actuatorHealthShowsTheRegistryAndTheRegistration(EtcdHandle etcd, EtcdRegistry registry) {
    ConfigurableApplicationContext a = apps(etcd, registry).provider("provider-a");

    OrderShippingApps.Response health = get(a, "/actuator/health");

    assertThat(health.statusCode()).isEqualTo(200);
    assertThat(health.at("/components/registrykit/status")).isEqualTo("\"UP\"");
    assertThat(health.at("/components/registrykit/details/registration/state")).isEqualTo("\"ACTIVE\"");
    assertThat(health.at("/components/registrykit/details/registry")).startsWith("\"EtcdRegistry[");
  }
}
