package dev.registrykit.spring;

import dev.registrykit.CacheState;
import dev.registrykit.Registration;
import dev.registrykit.RegistrationState;
import dev.registrykit.Registry;
import dev.registrykit.RegistryException;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * {@code UP} while the registry answers and this application's registration (if it registers) is
 * {@code ACTIVE}; {@code DOWN} when the registry cannot be reached or the registration is {@code
 * LOST} (its lease ran out: others may not see it until it is registered again). Details: the
 * registry, the registration's service, id, address and state, the number of services, and each
 * service cache's state ({@code CURRENT}, or {@code STALE} while it keeps the last instances it knew).
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
    try {
      health.withDetail("services", registry.services().size());
    } catch (RegistryException e) {
      health.down().withDetail("error", e.getClass().getSimpleName() + ": " + e.getMessage());
    }
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
