package dev.registrykit.spring;

import dev.registrykit.Registry;
import dev.registrykit.etcd.EtcdRegistry;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * The {@link Registry} of a Spring Boot application: an {@link EtcdRegistry} on the etcd that
 * {@link EtcdConnectionDetails} names ({@code registrykit.endpoints} by default), with the
 * namespace, TTL, call timeout, auth and TLS of {@link RegistrykitProperties}. An application that
 * defines a {@code Registry} bean of its own keeps it. The registry is closed with the context, which
 * deregisters what it registered.
 */
@AutoConfiguration
@EnableConfigurationProperties(RegistrykitProperties.class)
public class RegistrykitAutoConfiguration {

  /** Creates the auto-configuration; Spring calls it. */
  public RegistrykitAutoConfiguration() {
  }

  /** {@code registrykit.endpoints}, unless a {@code @ServiceConnection} or the application gives others. */
  @Bean
  @ConditionalOnMissingBean(EtcdConnectionDetails.class)
  EtcdConnectionDetails registrykitEtcdConnectionDetails(RegistrykitProperties properties) {
    return new PropertiesEtcdConnectionDetails(properties.endpointUris());
  }

  /** The registry on etcd, unless the application has a {@link Registry} of its own. */
  @Bean(destroyMethod = "close")
  @ConditionalOnMissingBean(Registry.class)
  EtcdRegistry registrykitRegistry(RegistrykitProperties properties, EtcdConnectionDetails connection) {
    EtcdRegistry.Builder builder = EtcdRegistry.builder()
        .withEndpoints(connection.endpoints())
        .withNamespace(properties.namespace())
        .withDefaultTtl(properties.ttl())
        .withCallTimeout(properties.callTimeout());
    if (properties.auth().enabled()) {
      builder.withAuth(properties.auth().user(), properties.auth().password());
    }
    properties.tls().toTls().ifPresent(builder::withTls);
    return builder.build();
  }
}
