package dev.registrykit.spring.test;

import static org.assertj.core.api.Assertions.assertThat;

import dev.registrykit.Registration;
import dev.registrykit.ServiceInstance;
import dev.registrykit.fake.FakeClock;
import dev.registrykit.fake.FakeRegistry;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.cloud.client.discovery.DiscoveryClient;

/** {@code @AutoConfigureFakeRegistry} on a {@code @SpringBootTest}: the clock is a bean the test advances. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {"spring.application.name=OrderShippingService", "server.address=127.0.0.1"})
@AutoConfigureFakeRegistry
class AutoConfigureFakeRegistryTest {

  @SpringBootConfiguration
  @EnableAutoConfiguration
  static class App {
  }

  @Autowired
  FakeRegistry registry;
  @Autowired
  FakeClock clock;
  @Autowired
  DiscoveryClient discovery;
  @Value("${local.server.port}")
  int port;

  @Test
  void theApplicationRegisteredItselfOnTheFake() {
    assertThat(registry.instances("OrderShippingService")).extracting(i -> i.address().toString())
        .containsExactly("http://127.0.0.1:" + port);
    assertThat(clock).isSameAs(registry.clock());
  }

  @Test
  void aCrashedPeerDisappearsWhenTheClockPassesItsTtl() {
    Registration peer = registry.register(ServiceInstance.of("OrderShippingService", "peer", "http://127.0.0.1:9"),
        Duration.ofSeconds(10)); // time: load-free (a TTL on the fake clock)
    assertThat(discovery.getInstances("OrderShippingService")).extracting(i -> i.getInstanceId()).contains("peer");

    registry.crash(peer);
    clock.advance(Duration.ofSeconds(11)); // time: load-free (fake clock; past the 10 s TTL)

    assertThat(discovery.getInstances("OrderShippingService")).extracting(i -> i.getInstanceId())
        .doesNotContain("peer").hasSize(1);
  }
}
