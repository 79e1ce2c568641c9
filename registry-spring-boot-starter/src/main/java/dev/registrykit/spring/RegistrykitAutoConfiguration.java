package dev.registrykit.spring;

import dev.registrykit.Registry;
import dev.registrykit.etcd.EtcdRegistry;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
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
    requireSchemesMatchTls(connection.endpoints(), properties.tls().caFile());
    try {
      return builder.build();
    } catch (IllegalArgumentException e) { // the PEM files were checked, but TLS could still not be set up from them
      if (properties.tls().caFile() == null) {
        throw e;
      }
      throw new InvalidSettingException("registrykit.tls.ca-file", properties.tls().caFile(), "must set up TLS "
          + "together with registrykit.tls.client-certificate-file and client-key-file (" + e.getMessage() + ")", e);
    }
  }

  /** etcd listens on one scheme: endpoints all https:// with {@code registrykit.tls.ca-file}, all http:// without. */
  private static void requireSchemesMatchTls(List<URI> endpoints, Path caFile) {
    List<URI> http = endpoints.stream().filter(uri -> "http".equals(uri.getScheme())).toList();
    List<URI> https = endpoints.stream().filter(uri -> "https".equals(uri.getScheme())).toList();
    if (!http.isEmpty() && !https.isEmpty()) {
      throw new InvalidSettingException("registrykit.endpoints", endpoints.stream().map(URI::toString)
          .collect(Collectors.joining(",")), "must be all https:// (with registrykit.tls.ca-file) or all http://");
    }
    if (caFile != null && !http.isEmpty()) {
      throw new InvalidSettingException("registrykit.endpoints", http.get(0), "must be https:// when "
          + "registrykit.tls.ca-file is set (or drop registrykit.tls.* to talk plain http)");
    }
    if (caFile == null && !https.isEmpty()) {
      throw new InvalidSettingException("registrykit.tls.ca-file", null, "must be set for the https:// endpoint "
          + https.get(0) + " (or write http:// if etcd does not use TLS)");
    }
  }
}
