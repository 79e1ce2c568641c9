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

/**
 * The application on the fake registry: a peer it has discovered is gone from its discovery once the
 * peer crashed and the clock passed its TTL (the removal reaches the cache through its watch), no sleep.
 */
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
    assertThat(discovery.getInstances("OrderShippingService"))   // discovered: its cache now follows the service
        .extracting(instance -> instance.getInstanceId())
        .contains("peer")
        .hasSize(2);                               // and this application itself, registered at startup
    registry.crash(peer);                          // keep-alive stops, the key stays
    clock.advance(Duration.ofSeconds(11));         // past the 10 s TTL of application.yaml
    assertThat(discovery.getInstances("OrderShippingService"))   // the cache heard the lease expire
        .extracting(instance -> instance.getInstanceId())
        .doesNotContain("peer")
        .hasSize(1);
  }
}
// end::spring-fake-test[]
