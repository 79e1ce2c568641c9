package dev.registrykit.examples;

import dev.registrykit.Registry;
import java.time.Duration;
import java.util.function.Consumer;

/** The example service's instance {@code i-n} at {@code 10.0.0.n}, as every test of it starts one. */
final class Instances {

  private Instances() {
  }

  /** A builder for instance {@code n}, ready to start or to be given more settings first. */
  static OrderShippingService.Builder instance(Registry registry, int n, Duration ttl, MigrationLog log,
      Consumer<String> events) {
    return OrderShippingService.builder()
        .withRegistry(registry)
        .withInstanceId("i-" + n)
        .withAddress("http://10.0.0." + n + ":5000")
        .withTtl(ttl)
        .withMigrationLog(log)
        .withEvents(events);
  }
}
