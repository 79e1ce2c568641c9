package dev.registrykit.examples.readme;

import static dev.registrykit.junit.RegistryAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import dev.registrykit.Registry;
import dev.registrykit.ServiceCache;
import dev.registrykit.ServiceInstance;
import dev.registrykit.junit.RegistryTest;
import dev.registrykit.junit.RegistryTime;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** The README's "Callers: find an instance", run on both backends. */
class FindAnInstanceTest {

  private static final ServiceInstance EU_1 = ServiceInstance.builder().withServiceName("OrderShippingService")
      .withInstanceId("eu-1").withAddress("http://10.0.0.7:5000").withMetadata("region", "eu").build();
  private static final ServiceInstance EU_2 = EU_1.toBuilder().withInstanceId("eu-2").withAddress("http://10.0.0.8:5000").build();
  private static final ServiceInstance US_1 = EU_1.toBuilder().withInstanceId("us-1").withMetadata("region", "us").build();

  private final String order = "order-42";
  private final List<String> sent = new ArrayList<>();

  @RegistryTest
  void aCallerPicksAnInstanceAndSkipsOneThatFails(Registry registry, RegistryTime time) {
    registry.register(EU_1, Duration.ofSeconds(30));
    registry.register(EU_2, Duration.ofSeconds(30));
    registry.register(US_1, Duration.ofSeconds(30));

    // tag::find-an-instance[]
    ServiceCache orders = ServiceCache.builder(registry, "OrderShippingService")
        .withFilter(instance -> "eu".equals(instance.metadata().get("region")))
        .build();                                  // holds the instances registered now, then follows them
    ServiceInstance target = orders.require();     // round-robin; NoInstanceAvailableException if none
    try {
      send(target.address(), order);
    } catch (IOException e) {
      orders.markDown(target);                     // pick() and require() skip it for 30 s
    }
    // end::find-an-instance[]

    try (orders) {
      assertThat(target).isEqualTo(EU_1);
      assertThat(orders).isCurrent().hasInstances(EU_1, EU_2);
      for (int i = 0; i < 3; i++) {
        assertThat(orders.require()).as("eu-1 is down").isEqualTo(EU_2);
      }
      registry.register(EU_2.withAddress("http://10.0.0.9:5000"), Duration.ofSeconds(30));
      time.eventually(() -> assertThat(orders.require().address()).hasToString("http://10.0.0.9:5000"));
      assertThat(sent).containsExactly("order-42 to http://10.0.0.7:5000 failed");
    }
  }

  /** Every instance refuses connections here (the snippet calls it once). */
  private void send(URI address, String order) throws IOException {
    sent.add(order + " to " + address + " failed");
    throw new ConnectException("Connection refused: " + address);
  }
}
