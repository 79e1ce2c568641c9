package dev.registrykit.spring.example;

import static org.assertj.core.api.Assertions.assertThat;

import dev.registrykit.Registration;
import dev.registrykit.ServiceInstance;
import dev.registrykit.fake.FakeClock;
import dev.registrykit.fake.FakeRegistry;
import dev.registrykit.spring.test.AutoConfigureFakeRegistry;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.cloud.client.discovery.DiscoveryClient;

/** The application on the fake registry: a crashed peer is gone when the clock passes its TTL, no sleep. */
// tag::spring-fake-test[]
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureFakeRegistry                         // FakeRegistry + FakeClock beans instead of etcd
class OrderShippingApplicationTest {
  @Autowired FakeRegistry registry;
  @Autowired FakeClock clock;
  @Autowired DiscoveryClient discovery;

  @Test
  void aCrashedPeerIsNoLongerDiscovered() {
    Registration peer = registry.register(ServiceInstance.of("OrderShippingService", "peer", "http://10.0.0.8:8080"));
    registry.crash(peer);                          // keep-alive stops, the key stays
    clock.advance(Duration.ofSeconds(11));         // past the 10 s TTL of application.yaml
    assertThat(discovery.getInstances("OrderShippingService"))
        .extracting(instance -> instance.getInstanceId())
        .doesNotContain("peer")
        .hasSize(1);                               // this application itself, registered at startup
  }
}
// end::spring-fake-test[]
