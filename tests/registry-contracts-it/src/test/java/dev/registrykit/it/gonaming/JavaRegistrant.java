package dev.registrykit.it.gonaming;

import dev.registrykit.Registration;
import dev.registrykit.ServiceInstance;
import dev.registrykit.etcd.EtcdRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;

/**
 * A registrykit service as its own process, for the tests that end it with {@code kill -9}: a health
 * server answering with {@code id}, registered with {@code withGoNamingAddr()} under {@code namespace}
 * on a lease of {@code ttlSeconds}. Prints {@code READY} once registered; the end of stdin closes the
 * registration (a clean shutdown).
 *
 * <p>{@code java -cp <test class path> dev.registrykit.it.gonaming.JavaRegistrant <etcd> <namespace>
 * <service> <id> <ttlSeconds>}
 */
final class JavaRegistrant {

  private JavaRegistrant() {
  }

  public static void main(String[] args) throws IOException {
    try (HealthServers server = new HealthServers().add(args[3]);
         EtcdRegistry registry = EtcdRegistry.builder().withEndpoints(args[0]).withNamespace(args[1])
             .withGoNamingAddr().build();
         Registration registration = registry.register(ServiceInstance.of(args[2], args[3],
             "http://127.0.0.1:" + server.port(args[3])), Duration.ofSeconds(Long.parseLong(args[4])))) {
      System.out.println("READY " + registration.instance().instanceId());
      System.out.flush();
      InputStream in = System.in;
      while (in.read() >= 0) {
        // until stdin ends
      }
    }
    System.out.println("CLOSED");
    System.out.flush();
  }
}
