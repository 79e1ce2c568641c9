package dev.registrykit.spring;

import dev.registrykit.Registry;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;
import java.util.UUID;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.web.server.context.WebServerInitializedEvent;
import org.springframework.cloud.client.serviceregistry.AutoServiceRegistrationAutoConfiguration;
import org.springframework.cloud.client.serviceregistry.AutoServiceRegistrationConfiguration;
import org.springframework.cloud.client.serviceregistry.AutoServiceRegistrationProperties;
import org.springframework.cloud.commons.util.InetUtils;
import org.springframework.cloud.commons.util.UtilAutoConfiguration;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

/**
 * Spring Cloud's registration SPI on registrykit: a {@code ServiceRegistry}, this application's
 * {@link RegistrykitRegistration}, and the auto-registration that registers it when its web server
 * is up and deregisters it at once when the context closes.
 *
 * <p>Service name: {@code registrykit.service.name}, else {@code spring.application.name}. Instance
 * id: {@code registrykit.instance.id}, else a random UUID. Address: {@code registrykit.service.address},
 * else {@code scheme://host:port} with the web server's port and the host of {@code
 * registrykit.discovery.host}, {@code server.address}, or Spring Cloud's {@code InetUtils} (first
 * non-loopback address; its host name, or its IP with {@code registrykit.discovery.prefer-ip-address}).
 * Off with {@code registrykit.discovery.register=false} or {@code
 * spring.cloud.service-registry.auto-registration.enabled=false}.
 */
@AutoConfiguration(after = {RegistrykitAutoConfiguration.class, AutoServiceRegistrationAutoConfiguration.class,
    UtilAutoConfiguration.class})
@ConditionalOnBooleanProperty(name = "spring.cloud.service-registry.enabled", matchIfMissing = true)
@ConditionalOnBean(Registry.class)
public class RegistrykitServiceRegistryAutoConfiguration {

  /** Creates the auto-configuration; Spring calls it. */
  public RegistrykitServiceRegistryAutoConfiguration() {
  }

  /** Spring Cloud's {@code ServiceRegistry} on the application's registry. */
  @Bean
  @ConditionalOnMissingBean
  RegistrykitServiceRegistry registrykitServiceRegistry(Registry registry, RegistrykitProperties properties) {
    return new RegistrykitServiceRegistry(registry, properties.ttl());
  }

  /** This application as it registers; see the class documentation for where each value comes from. */
  @Bean
  @ConditionalOnMissingBean
  RegistrykitRegistration registrykitRegistration(RegistrykitProperties properties, Environment environment,
      ObjectProvider<InetUtils> inetUtils) {
    String serviceName = firstSet(properties.service().name(), environment.getProperty("spring.application.name"))
        .orElseThrow(() -> new IllegalStateException("registrykit needs a service name to register this application: "
            + "set spring.application.name (or registrykit.service.name), such as OrderShippingService, or turn "
            + "registration off with registrykit.discovery.register=false"));
    String instanceId = firstSet(properties.instance().id(), null).orElseGet(() -> UUID.randomUUID().toString());
    String scheme = firstSet(properties.discovery().scheme(), null).orElseGet(
        () -> environment.getProperty("server.ssl.enabled", Boolean.class, false) ? "https" : "http");
    String host = firstSet(properties.discovery().host(), serverAddress(environment))
        .orElseGet(() -> detectHost(inetUtils.getIfAvailable(), properties.discovery().preferIpAddress()));
    return new RegistrykitRegistration(serviceName, instanceId, host, scheme,
        Optional.ofNullable(properties.service().address()), properties.discovery().metadata());
  }

  private static String serverAddress(Environment environment) {
    String address = environment.getProperty("server.address");
    return address == null || address.equals("0.0.0.0") || address.equals("::") ? null : address;
  }

  private static String detectHost(InetUtils inetUtils, boolean preferIpAddress) {
    if (inetUtils != null) {
      InetUtils.HostInfo info = inetUtils.findFirstNonLoopbackHostInfo();
      return preferIpAddress ? info.getIpAddress() : info.getHostname();
    }
    try {
      InetAddress local = InetAddress.getLocalHost();
      return preferIpAddress ? local.getHostAddress() : local.getHostName();
    } catch (UnknownHostException e) {
      return "localhost";
    }
  }

  private static Optional<String> firstSet(String first, String second) {
    if (first != null && !first.isBlank()) {
      return Optional.of(first.trim());
    }
    return second == null || second.isBlank() ? Optional.empty() : Optional.of(second.trim());
  }

  /** Registers when the web server is up; only in web applications, and only when registration is on. */
  @Bean
  @ConditionalOnClass(WebServerInitializedEvent.class)
  @ConditionalOnBean(AutoServiceRegistrationProperties.class)
  @ConditionalOnBooleanProperty(name = "spring.cloud.service-registry.auto-registration.enabled", matchIfMissing = true)
  @ConditionalOnMissingBean
  RegistrykitAutoServiceRegistration registrykitAutoServiceRegistration(ApplicationContext context,
      RegistrykitServiceRegistry serviceRegistry, AutoServiceRegistrationProperties autoProperties,
      RegistrykitRegistration registration, RegistrykitProperties properties) {
    return new RegistrykitAutoServiceRegistration(context, serviceRegistry, autoProperties, registration, properties);
  }
}
