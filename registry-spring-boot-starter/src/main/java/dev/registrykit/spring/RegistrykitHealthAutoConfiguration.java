package dev.registrykit.spring;

import dev.registrykit.Registry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;

/**
 * The {@code registrykit} health indicator ({@code /actuator/health/registrykit}): the state of this
 * application's registration ({@code DOWN} when it is {@code LOST}) and of each service cache, read
 * without calling etcd. Off with {@code management.health.registrykit.enabled=false}.
 */
@AutoConfiguration(after = {RegistrykitAutoConfiguration.class, RegistrykitServiceRegistryAutoConfiguration.class,
    RegistrykitDiscoveryAutoConfiguration.class})
@ConditionalOnClass(HealthIndicator.class)
@ConditionalOnBean(Registry.class)
@ConditionalOnEnabledHealthIndicator("registrykit")
public class RegistrykitHealthAutoConfiguration {

  /** Creates the auto-configuration; Spring calls it. */
  public RegistrykitHealthAutoConfiguration() {
  }

  /** The indicator, named {@code registrykit}. */
  @Bean(name = "registrykitHealthIndicator")
  @ConditionalOnMissingBean(name = "registrykitHealthIndicator")
  HealthIndicator registrykitHealthIndicator(Registry registry, ObjectProvider<RegistrykitRegistration> registration,
      ObjectProvider<ServiceCaches> caches) {
    return new RegistrykitHealthIndicator(registry, registration::getIfAvailable, caches::getIfAvailable);
  }
}
