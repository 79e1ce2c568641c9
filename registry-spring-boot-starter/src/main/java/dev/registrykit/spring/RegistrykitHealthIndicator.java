package dev.registrykit.spring;

import dev.registrykit.CacheState;
import dev.registrykit.Registration;
import dev.registrykit.RegistrationState;
import dev.registrykit.Registry;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * Reads what the registration and the caches already know and never calls the registry, so it
 * answers at once also while etcd cannot be reached (a call would wait out the call timeout).
 * {@code DOWN} only when this application's registration is {@code LOST} (its lease ran out: others
 * may not see it until it is registered again); {@code UP} otherwise, also during an etcd outage, in
 * which the registration keeps its lease until its TTL and the caches serve the last instances they
 * knew. Details: the registry, the registration's service, id, address and state ({@code ACTIVE},
 * {@code LOST}, or {@code NOT_REGISTERED} before the web server is up), and each service cache's
 * state ({@code CURRENT}, or {@code STALE} while its watch is broken, as when etcd cannot be reached).
 */
final class RegistrykitHealthIndicator implements HealthIndicator {

  private final Registry registry;
  private final Supplier<RegistrykitRegistration> registration;
  private final Supplier<ServiceCaches> caches;

  /** An indicator of {@code registry}, the application's registration and caches (each may be absent: null). */
  RegistrykitHealthIndicator(Registry registry, Supplier<RegistrykitRegistration> registration,
      Supplier<ServiceCaches> caches) {
    this.registry = Objects.requireNonNull(registry, "registry must not be null");
    this.registration = Objects.requireNonNull(registration, "registration must not be null");
    this.caches = Objects.requireNonNull(caches, "caches must not be null");
  }

  @Override
  public Health health() {
    Health.Builder health = Health.up().withDetail("registry", registry.toString());
    RegistrykitRegistration own = registration.get();
    if (own != null) {
      Optional<Registration> live = own.handle();
      RegistrationState state = live.map(Registration::state).orElse(null);
      health.withDetail("registration", Map.of(
          "service", own.getServiceId(),
          "instanceId", own.getInstanceId(),
          "address", live.map(l -> l.instance().address().toString()).orElse(own.getUri().toString()),
          "state", state == null ? "NOT_REGISTERED" : state.name()));
      if (state == RegistrationState.LOST) {
        health.down();
      }
    }
    ServiceCaches serviceCaches = caches.get();
    if (serviceCaches != null) {
      Map<String, CacheState> states = serviceCaches.states();
      if (!states.isEmpty()) {
        health.withDetail("caches", states);
      }
    }
    return health.build();
  }
}
