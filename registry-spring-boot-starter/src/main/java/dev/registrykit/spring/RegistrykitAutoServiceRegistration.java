package dev.registrykit.spring;

import org.springframework.cloud.client.serviceregistry.AbstractAutoServiceRegistration;
import org.springframework.cloud.client.serviceregistry.AutoServiceRegistrationProperties;
import org.springframework.context.ApplicationContext;

/**
 * Registers the application when its web server is up (Spring Cloud's {@link
 * AbstractAutoServiceRegistration} listens for it and gives the port) and deregisters it when the
 * context closes, before the web server stops.
 *
 * <p>Spring Cloud 2025.1 deprecates {@code getConfiguration()} (still abstract, so it must be
 * written) and {@code getPort()} (still where the base class keeps the port it was given).
 */
@SuppressWarnings("deprecation")
final class RegistrykitAutoServiceRegistration extends AbstractAutoServiceRegistration<RegistrykitRegistration> {

  private final RegistrykitRegistration registration;
  private final RegistrykitProperties properties;

  RegistrykitAutoServiceRegistration(ApplicationContext context, RegistrykitServiceRegistry serviceRegistry,
      AutoServiceRegistrationProperties autoProperties, RegistrykitRegistration registration,
      RegistrykitProperties properties) {
    super(context, serviceRegistry, autoProperties);
    this.registration = registration;
    this.properties = properties;
  }

  @Override
  protected void register() {
    registration.setPortIfNeeded(getPort().get());
    super.register();
  }

  @Override
  protected Object getConfiguration() {
    return properties;
  }

  @Override
  protected boolean isEnabled() {
    return properties.discovery().register();
  }

  @Override
  protected RegistrykitRegistration getRegistration() {
    return registration;
  }

  /** registrykit registers the application's port only, not a management port of its own. */
  @Override
  protected RegistrykitRegistration getManagementRegistration() {
    return null;
  }
}
