package dev.registrykit.spring;

import dev.registrykit.ServiceInstance;
import dev.registrykit.etcd.EtcdRegistry;
import dev.registrykit.etcd.Tls;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The {@code registrykit.*} settings of a Spring Boot application. The keys that {@code
 * RegistrationConfig} reads outside Spring mean the same here ({@code registrykit.endpoints},
 * {@code registrykit.namespace}, {@code registrykit.ttl}, {@code registrykit.service.name},
 * {@code registrykit.service.address}, {@code registrykit.instance.id}), so the environment
 * variables {@code REGISTRYKIT_ENDPOINTS} and the others work unchanged.
 *
 * <pre>{@code
 * registrykit:
 *   endpoints: http://etcd-0:2379,http://etcd-1:2379
 *   ttl: 10s
 *   auth: { user: orders, password: ${ETCD_PASSWORD} }
 * spring:
 *   application:
 *     name: OrderShippingService      # the service name unless registrykit.service.name says another
 * }</pre>
 *
 * <p>Every value is checked when the application starts; a bad one stops it with Spring Boot's
 * "APPLICATION FAILED TO START" report naming the key, the value as written and where, and the rule,
 * such as {@code Invalid value for registrykit.ttl: "500ms"} and {@code registrykit.ttl must be whole
 * seconds, at least 1 s ...}.
 *
 * @param endpoints   the etcd endpoints; {@code http://localhost:2379} by default
 * @param namespace   the key root, {@code /services} by default
 * @param ttl         the lease TTL of this application's registration, whole seconds, 30 s by default
 * @param callTimeout the bound of every call to etcd, 5 s by default
 * @param auth        etcd user and password, if etcd has auth on
 * @param tls         TLS to etcd, if its endpoints are {@code https://}
 * @param service     the service this application registers as
 * @param instance    this instance
 * @param discovery   registration and discovery switches
 * @param fake        the in-memory fake registry, for tests
 */
@ConfigurationProperties("registrykit")
public record RegistrykitProperties(
    @DefaultValue("http://localhost:2379") List<String> endpoints,
    @DefaultValue("/services") String namespace,
    @DefaultValue("30s") Duration ttl,
    @DefaultValue("5s") Duration callTimeout,
    @DefaultValue Auth auth,
    @DefaultValue TlsFiles tls,
    @DefaultValue Service service,
    @DefaultValue Instance instance,
    @DefaultValue Discovery discovery,
    @DefaultValue Fake fake) {

  /** Checks every value, naming the key of a bad one. */
  public RegistrykitProperties {
    endpoints = List.copyOf(endpoints);
    if (endpoints.isEmpty()) {
      throw new InvalidSettingException("registrykit.endpoints", "", "must name at least one etcd, such as "
          + "http://localhost:2379");
    }
    for (String endpoint : endpoints) {
      InvalidSettingException.check("registrykit.endpoints", endpoint, "must be http(s) URIs with host and port, "
          + "such as http://localhost:2379 (comma-separated for several)",
          () -> EtcdRegistry.builder().withEndpoints(endpoint));
    }
    String root = namespace;
    InvalidSettingException.check("registrykit.namespace", root, "must be segments of "
        + ServiceInstance.NAME_PATTERN + " separated by '/', with or without a leading '/' and no trailing '/', "
        + "such as /services", () -> EtcdRegistry.builder().withNamespace(root));
    Duration leaseTtl = ttl;
    InvalidSettingException.check("registrykit.ttl", leaseTtl, "must be whole seconds, at least 1 s and at most "
        + "etcd's maximum lease TTL, such as 10s", () -> EtcdRegistry.builder().withDefaultTtl(leaseTtl));
    Duration timeout = callTimeout;
    InvalidSettingException.check("registrykit.call-timeout", timeout, "must be positive, such as 5s",
        () -> EtcdRegistry.builder().withCallTimeout(timeout));
  }

  /** The endpoints as URIs (already checked). */
  public List<URI> endpointUris() {
    return endpoints.stream().map(URI::create).toList();
  }

  /**
   * etcd's user/password auth; both or neither.
   *
   * @param user     the etcd user
   * @param password the password
   */
  public record Auth(String user, String password) {
    /** Checks that user and password come together. */
    public Auth {
      if ((user == null || user.isBlank()) != (password == null)) {
        throw password == null
            ? new InvalidSettingException("registrykit.auth.password", null, "must be set when registrykit.auth.user "
                + "is (they go together)")
            : new InvalidSettingException("registrykit.auth.user", user, "must be set when registrykit.auth.password "
                + "is (they go together)");
      }
    }

    /** Whether auth is configured. */
    public boolean enabled() {
      return user != null && !user.isBlank();
    }
  }

  /**
   * TLS to etcd, from PEM files.
   *
   * @param caFile                the CA that signed etcd's certificate
   * @param clientCertificateFile the client certificate, for client authentication
   * @param clientKeyFile         its PKCS#8 key
   */
  public record TlsFiles(Path caFile, Path clientCertificateFile, Path clientKeyFile) {
    /** Checks that the files exist and that certificate and key come together. */
    public TlsFiles {
      if (caFile == null && (clientCertificateFile != null || clientKeyFile != null)) {
        throw new InvalidSettingException("registrykit.tls.ca-file", null, "must be set when "
            + "registrykit.tls.client-certificate-file or registrykit.tls.client-key-file is");
      }
      if ((clientCertificateFile == null) != (clientKeyFile == null)) {
        throw clientKeyFile == null
            ? new InvalidSettingException("registrykit.tls.client-key-file", null, "must be set when "
                + "registrykit.tls.client-certificate-file is (they go together)")
            : new InvalidSettingException("registrykit.tls.client-certificate-file", null, "must be set when "
                + "registrykit.tls.client-key-file is (they go together)");
      }
      PemFiles.requireCertificates("registrykit.tls.ca-file", caFile);
      PemFiles.requireCertificates("registrykit.tls.client-certificate-file", clientCertificateFile);
      PemFiles.requirePrivateKey("registrykit.tls.client-key-file", clientKeyFile);
      toTls(caFile, clientCertificateFile, clientKeyFile); // what Tls checks besides
    }

    /** The TLS settings, if {@code ca-file} is set. */
    public Optional<Tls> toTls() {
      return toTls(caFile, clientCertificateFile, clientKeyFile);
    }

    private static Optional<Tls> toTls(Path ca, Path certificate, Path key) {
      if (ca == null) {
        return Optional.empty();
      }
      try {
        return Optional.of(new Tls(ca, Optional.ofNullable(certificate), Optional.ofNullable(key)));
      } catch (IllegalArgumentException e) {
        throw new InvalidSettingException("registrykit.tls.ca-file", ca, "must make TLS settings together with "
            + "registrykit.tls.client-certificate-file and client-key-file (" + e.getMessage() + ")", e);
      }
    }
  }

  /**
   * The service this application registers as.
   *
   * @param name    the service name; {@code spring.application.name} when unset
   * @param address where this instance is reached, an absolute URI; when unset, {@code
   *                scheme://host:port} of the web server (see {@link Discovery})
   */
  public record Service(String name, URI address) {
    /** Checks the name and address when given. */
    public Service {
      if (name != null && !name.isBlank() && !name.matches(ServiceInstance.NAME_PATTERN)) {
        throw new InvalidSettingException("registrykit.service.name", name, "must match " + ServiceInstance.NAME_PATTERN);
      }
      if (address != null && (!address.isAbsolute() || address.getHost() == null)) {
        throw new InvalidSettingException("registrykit.service.address", address, "must be an absolute URI with a "
            + "host, such as http://10.0.0.7:8080");
      }
    }
  }

  /**
   * This instance.
   *
   * @param id the instance id; a random UUID when unset
   */
  public record Instance(String id) {
    /** Checks the id when given. */
    public Instance {
      if (id != null && !id.isBlank() && !id.matches(ServiceInstance.NAME_PATTERN)) {
        throw new InvalidSettingException("registrykit.instance.id", id, "must match " + ServiceInstance.NAME_PATTERN);
      }
    }
  }

  /**
   * Registration and discovery.
   *
   * @param enabled         whether the {@code DiscoveryClient} (and reactive one) on registrykit is on
   * @param register        whether the application registers itself when its web server is up
   *                        ({@code spring.cloud.service-registry.auto-registration.enabled=false} turns
   *                        it off too)
   * @param host            the host registered; unset: {@code server.address} if it names one, else
   *                        the first non-loopback address Spring Cloud's {@code InetUtils} finds
   * @param preferIpAddress register the IP address rather than the host name found
   * @param scheme          {@code http} or {@code https}; unset: {@code https} when {@code
   *                        server.ssl.enabled}, else {@code http}
   * @param metadata        metadata of the registered instance, keys of {@code [A-Za-z0-9._-]}
   */
  public record Discovery(@DefaultValue("true") boolean enabled, @DefaultValue("true") boolean register,
      String host, @DefaultValue("false") boolean preferIpAddress, String scheme, Map<String, String> metadata) {
    /** Checks the scheme and metadata keys. */
    public Discovery {
      metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
      if (scheme != null && !scheme.isBlank() && !scheme.matches("[a-zA-Z][a-zA-Z0-9+.-]*")) {
        throw new InvalidSettingException("registrykit.discovery.scheme", scheme, "must be a URI scheme such as http "
            + "or https");
      }
      for (String key : metadata.keySet()) {
        if (!key.matches(ServiceInstance.NAME_PATTERN)) {
          throw new InvalidSettingException("registrykit.discovery.metadata", key, "must have keys that match "
              + ServiceInstance.NAME_PATTERN + " (the key is the bad value)");
        }
      }
    }
  }

  /**
   * The in-memory fake registry instead of etcd, for tests (module {@code registry-spring-boot-test}
   * in test scope); {@code @AutoConfigureFakeRegistry} turns it on.
   *
   * @param enabled whether the application runs on a {@code FakeRegistry} with a {@code FakeClock}
   */
  public record Fake(@DefaultValue("false") boolean enabled) {
  }
}
