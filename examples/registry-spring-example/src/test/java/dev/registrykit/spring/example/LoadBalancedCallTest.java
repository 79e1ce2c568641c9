package dev.registrykit.spring.example;

import static org.assertj.core.api.Assertions.assertThat;

import dev.registrykit.fake.FakeRegistry;
import dev.registrykit.spring.test.AutoConfigureFakeRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.cloud.client.serviceregistry.Registration;
import org.springframework.web.client.RestClient;

/**
 * The README's dependency list is enough for a {@code @LoadBalanced} call: this module has exactly
 * that list (no LoadBalancer of its own), and {@code /peer} calls {@code http://OrderShippingService/whoami}
 * through the load balancer, which finds this application itself, registered in the fake registry.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = "server.address=127.0.0.1")        // registered (and reached) at 127.0.0.1
@AutoConfigureFakeRegistry
class LoadBalancedCallTest {
  @Autowired FakeRegistry registry;
  @Autowired Registration me;
  @LocalServerPort int port;

  @Test
  void aLoadBalancedCallReachesAnInstanceFoundInTheRegistry() {
    assertThat(registry.instances("OrderShippingService")).extracting(i -> i.address().toString())
        .containsExactly("http://127.0.0.1:" + port);

    String answer = RestClient.create().get().uri("http://127.0.0.1:" + port + "/peer").retrieve().body(String.class);

    assertThat(answer).isEqualTo(me.getInstanceId());
  }
}
