package dev.registrykit.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.registrykit.CacheState;
import dev.registrykit.Registry;
import dev.registrykit.fake.Fault;
import dev.registrykit.fake.FakeRegistry;
import java.lang.reflect.Proxy;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

/**
 * The indicator answers from the registration's and the caches' state and never calls the registry
 * (a call would wait on etcd, up to the call timeout, during an outage): its registry here fails the
 * test on any call. {@code DOWN} only when the registration is {@code LOST}. On the fake, moved by its clock.
 */
class RegistrykitHealthIndicatorTest {

  private final FakeRegistry fake = FakeRegistry.create();
  private final ServiceCaches caches = new ServiceCaches(fake, event -> { }, List.of());
  private final RegistrykitRegistration own = new RegistrykitRegistration("OrderShippingService", "provider-a",
      "127.0.0.1", "http", Optional.of(URI.create("http://127.0.0.1:8080")), Map.of());
  private final RegistrykitHealthIndicator indicator = new RegistrykitHealthIndicator(noCalls(), () -> own,
      () -> caches);

  /** A registry whose every call (but toString) fails the test: what the indicator may not wait on. */
  private static Registry noCalls() {
    return (Registry) Proxy.newProxyInstance(Registry.class.getClassLoader(), new Class<?>[] {Registry.class},
        (proxy, method, args) -> switch (method.getName()) {
          case "toString" -> "EtcdRegistry[unreachable]";
          case "hashCode" -> System.identityHashCode(proxy);
          case "equals" -> proxy == args[0];
          default -> throw new AssertionError("the health indicator called Registry." + method.getName()
              + ", which waits on etcd during an outage");
        });
  }

  @AfterEach
  void close() {
    caches.close();
    fake.close();
  }

  @Test
  void upWithStaleCachesDuringAnOutageWhileTheRegistrationHolds() {
    own.attach(fake.register(own.toServiceInstance()));
    assertThat(caches.instances("OrderShippingService")).hasSize(1);
    assertThat(indicator.health().getStatus()).isEqualTo(Status.UP);

    fake.inject(Fault.unavailable());

    Health health = indicator.health();
    assertThat(health.getStatus()).isEqualTo(Status.UP);
    assertThat(health.getDetails()).containsOnlyKeys("registry", "registration", "caches");
    assertThat(health.getDetails().get("registry")).isEqualTo("EtcdRegistry[unreachable]");
    assertThat(health.getDetails().get("registration")).isEqualTo(Map.of("service", "OrderShippingService",
        "instanceId", "provider-a", "address", "http://127.0.0.1:8080", "state", "ACTIVE"));
    assertThat(health.getDetails().get("caches")).isEqualTo(Map.of("OrderShippingService", CacheState.STALE));
  }

  @Test
  void downOnceTheRegistrationIsLost() {
    own.attach(fake.register(own.toServiceInstance()));
    fake.inject(Fault.unavailable());

    fake.clock().advance(Duration.ofSeconds(31)); // time: load-free (fake clock; past the 30 s TTL)

    Health health = indicator.health();
    assertThat(health.getStatus()).isEqualTo(Status.DOWN);
    assertThat(health.getDetails().get("registration")).isEqualTo(Map.of("service", "OrderShippingService",
        "instanceId", "provider-a", "address", "http://127.0.0.1:8080", "state", "LOST"));
  }

  @Test
  void upBeforeTheApplicationIsRegistered() {
    Health health = indicator.health();

    assertThat(health.getStatus()).isEqualTo(Status.UP);
    assertThat(health.getDetails().get("registration")).isEqualTo(Map.of("service", "OrderShippingService",
        "instanceId", "provider-a", "address", "http://127.0.0.1:8080", "state", "NOT_REGISTERED"));
  }
}
