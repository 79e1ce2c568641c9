package dev.registrykit.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.registrykit.Registration;
import dev.registrykit.Registry;
import dev.registrykit.ServiceInstance;
import dev.registrykit.etcd.EtcdRegistry;
import dev.registrykit.fake.FakeRegistry;
import dev.registrykit.junit.TimeScale;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cloud.client.discovery.DiscoveryClient;
import org.springframework.cloud.client.discovery.ReactiveDiscoveryClient;
import org.springframework.cloud.client.discovery.event.HeartbeatEvent;
import org.springframework.cloud.client.serviceregistry.AutoServiceRegistrationAutoConfiguration;
import org.springframework.cloud.commons.util.UtilAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.EventListener;

/** What the auto-configuration makes from which properties; no etcd is contacted (building does not). */
class RegistrykitAutoConfigurationTest {

  private final ApplicationContextRunner runner = new ApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(RegistrykitAutoConfiguration.class,
          RegistrykitServiceRegistryAutoConfiguration.class, RegistrykitDiscoveryAutoConfiguration.class,
          AutoServiceRegistrationAutoConfiguration.class, UtilAutoConfiguration.class))
      .withPropertyValues("spring.application.name=OrderShippingService");

  @Test
  void anEtcdRegistryFromTheProperties() {
    runner.withPropertyValues("registrykit.endpoints=http://127.0.0.1:23790,http://127.0.0.1:23791",
        "registrykit.namespace=/orders", "registrykit.ttl=10s").run(context -> { // time: load-free (a setting)
          EtcdRegistry registry = context.getBean(EtcdRegistry.class);
          assertThat(registry.namespace()).isEqualTo("/orders");
          assertThat(registry.defaultTtl()).isEqualTo(Duration.ofSeconds(10)); // time: load-free (a setting)
          assertThat(context.getBean(EtcdConnectionDetails.class).endpoints()).hasToString(
              "[http://127.0.0.1:23790, http://127.0.0.1:23791]");
          assertThat(context).hasSingleBean(DiscoveryClient.class);
        });
  }

  @Test
  void theApplicationsOwnRegistryWins() {
    runner.withUserConfiguration(OwnRegistry.class).run(context -> {
      assertThat(context).hasSingleBean(Registry.class).doesNotHaveBean(EtcdRegistry.class);
      assertThat(context.getBean(Registry.class)).isSameAs(context.getBean(OwnRegistry.class).registry);
    });
  }

  @Configuration(proxyBeanMethods = false)
  static class OwnRegistry {
    final FakeRegistry registry = FakeRegistry.create();

    @Bean
    Registry ownRegistry() {
      return registry;
    }
  }

  // Bad settings: SettingFailureReportTest reads the failure report Spring Boot prints for each.

  @Test
  void bothDiscoveryClientsFollowTheRegistryAndEveryChangeIsAHeartbeat() {
    runner.withUserConfiguration(OwnRegistry.class, Heartbeats.class).run(context -> {
      FakeRegistry registry = context.getBean(OwnRegistry.class).registry;
      DiscoveryClient blocking = context.getBean(DiscoveryClient.class);
      ReactiveDiscoveryClient reactive = context.getBean(ReactiveDiscoveryClient.class);
      List<Object> heartbeats = context.getBean(Heartbeats.class).values;
      assertThat(blocking.getInstances("orders")).isEmpty();  // the cache of "orders" starts here

      Registration one = registry.register(ServiceInstance.of("orders", "i-1", "https://10.0.0.7:8443"));

      assertThat(heartbeats).hasSize(1);
      org.springframework.cloud.client.ServiceInstance seen = blocking.getInstances("orders").get(0);
      assertThat(seen.getHost()).isEqualTo("10.0.0.7");
      assertThat(seen.getPort()).isEqualTo(8443);
      assertThat(seen.isSecure()).isTrue();
      assertThat(seen.getInstanceId()).isEqualTo("i-1");
      assertThat(reactive.getInstances("orders").map(i -> i.getInstanceId()).collectList()
          .block(TimeScale.scaled(Duration.ofSeconds(5)))).containsExactly("i-1");
      assertThat(blocking.getServices()).containsExactly("orders");

      one.close();

      assertThat(heartbeats).hasSize(2);
      assertThat(heartbeats.get(1)).isNotEqualTo(heartbeats.get(0)); // HeartbeatMonitor sees a new value
      assertThat(blocking.getInstances("orders")).isEmpty();
      assertThat(blocking.getInstances("not a service name")).isEmpty();
    });
  }

  @Configuration(proxyBeanMethods = false)
  static class Heartbeats {
    final List<Object> values = new CopyOnWriteArrayList<>();

    @EventListener
    void heartbeat(HeartbeatEvent event) {
      values.add(event.getValue());
    }
  }

  @Test
  void discoveryAndRegistrationCanBeTurnedOff() {
    runner.withUserConfiguration(OwnRegistry.class).withPropertyValues("registrykit.discovery.enabled=false")
        .run(context -> assertThat(context).doesNotHaveBean(DiscoveryClient.class));
    runner.withUserConfiguration(OwnRegistry.class)
        .withPropertyValues("spring.cloud.service-registry.auto-registration.enabled=false")
        .run(context -> assertThat(context).doesNotHaveBean("registrykitAutoServiceRegistration"));
  }
}
