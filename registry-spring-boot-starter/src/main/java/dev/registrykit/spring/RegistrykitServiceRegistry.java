package dev.registrykit.spring;

import static java.lang.System.Logger.Level.INFO;

import dev.registrykit.Registration;
import dev.registrykit.Registry;
import dev.registrykit.RegistrationState;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import org.springframework.cloud.client.serviceregistry.ServiceRegistry;

/**
 * Spring Cloud's service registry on a registrykit {@link Registry}: register puts the instance
 * under its lease (kept alive by the registry), deregister deletes it at once. Status {@code
 * OUT_OF_SERVICE} deregisters, {@code UP} registers again (Spring Cloud's {@code serviceregistry}
 * actuator endpoint sets them).
 */
final class RegistrykitServiceRegistry implements ServiceRegistry<RegistrykitRegistration> {

  private static final System.Logger LOG = System.getLogger(RegistrykitServiceRegistry.class.getName());
  static final String UP = "UP";
  static final String OUT_OF_SERVICE = "OUT_OF_SERVICE";

  private final Registry registry;
  private final Duration ttl;

  RegistrykitServiceRegistry(Registry registry, Duration ttl) {
    this.registry = Objects.requireNonNull(registry, "registry must not be null");
    this.ttl = Objects.requireNonNull(ttl, "ttl must not be null");
  }

  @Override
  public void register(RegistrykitRegistration registration) {
    Registration live = registry.register(registration.toServiceInstance(), ttl);
    registration.attach(live).ifPresent(Registration::close);
    LOG.log(INFO, "registered " + live.instance() + " with a lease of " + live.ttl());
  }

  @Override
  public void deregister(RegistrykitRegistration registration) {
    registration.detach().ifPresent(live -> {
      live.close();
      LOG.log(INFO, "deregistered " + live.instance());
    });
  }

  /** Nothing to do: the registry is a bean of its own and closes with the context. */
  @Override
  public void close() {
  }

  @Override
  public void setStatus(RegistrykitRegistration registration, String status) {
    switch (Objects.requireNonNull(status, "status must not be null").toUpperCase(Locale.ROOT)) {
      case UP -> {
        if (registration.handle().filter(live -> live.state() != RegistrationState.CLOSED).isEmpty()) {
          register(registration);
        }
      }
      case OUT_OF_SERVICE -> deregister(registration);
      default -> throw new IllegalArgumentException("status must be UP or OUT_OF_SERVICE but was: " + status);
    }
  }

  /** {@code ACTIVE}, {@code LOST} or {@code CLOSED} while registered; {@code OUT_OF_SERVICE} when not. */
  @Override
  @SuppressWarnings("unchecked")
  public <T> T getStatus(RegistrykitRegistration registration) {
    return (T) registration.handle().map(live -> live.state().name()).orElse(OUT_OF_SERVICE);
  }
}
