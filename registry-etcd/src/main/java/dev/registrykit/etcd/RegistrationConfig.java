package dev.registrykit.etcd;

import static dev.registrykit.etcd.internal.ConnectionSettings.value;

import dev.registrykit.Registry;
import dev.registrykit.ServiceInstance;
import dev.registrykit.etcd.internal.ConnectionSettings;
import dev.registrykit.internal.Validation;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import java.util.function.Function;

/**
 * How an application registers itself, as in the origin recipe: the etcd connection string, the
 * service name and address, and the TTL; for a secured etcd, a user and password and TLS files. Read
 * it from the environment, from properties, or build it; then {@link ServiceRegistrar#start(RegistrationConfig)}.
 * The keys are the Spring starter's, so the same variables configure either.
 *
 * <table>
 *   <caption>Settings</caption>
 *   <tr><th>environment</th><th>property</th><th>meaning</th><th>default</th></tr>
 *   <tr><td>REGISTRYKIT_ENDPOINTS</td><td>registrykit.endpoints</td><td>etcd endpoints, comma-separated</td><td>http://localhost:2379</td></tr>
 *   <tr><td>REGISTRYKIT_SERVICE_NAME</td><td>registrykit.service.name</td><td>service name</td><td>required</td></tr>
 *   <tr><td>REGISTRYKIT_SERVICE_ADDRESS</td><td>registrykit.service.address</td><td>where this instance is reached</td><td>required</td></tr>
 *   <tr><td>REGISTRYKIT_INSTANCE_ID</td><td>registrykit.instance.id</td><td>this instance's id</td><td>a random UUID</td></tr>
 *   <tr><td>REGISTRYKIT_TTL</td><td>registrykit.ttl</td><td>lease TTL: seconds ({@code 30}), with a unit ({@code 30s}) or ISO-8601 ({@code PT30S})</td><td>30</td></tr>
 *   <tr><td>REGISTRYKIT_NAMESPACE</td><td>registrykit.namespace</td><td>key root</td><td>/services</td></tr>
 *   <tr><td>REGISTRYKIT_CALL_TIMEOUT</td><td>registrykit.call-timeout</td><td>bound of every call to etcd: with a unit ({@code 500ms}, {@code 5s}) or ISO-8601</td><td>5s</td></tr>
 *   <tr><td>REGISTRYKIT_AUTH_USER</td><td>registrykit.auth.user</td><td>etcd user, if etcd has auth on</td><td>none</td></tr>
 *   <tr><td>REGISTRYKIT_AUTH_PASSWORD</td><td>registrykit.auth.password</td><td>the user's password, with the user</td><td>none</td></tr>
 *   <tr><td>REGISTRYKIT_TLS_CA_FILE</td><td>registrykit.tls.ca-file</td><td>PEM file of the CA that signed etcd's certificate; endpoints then {@code https://}</td><td>none (no TLS)</td></tr>
 *   <tr><td>REGISTRYKIT_TLS_CLIENT_CERTIFICATE_FILE</td><td>registrykit.tls.client-certificate-file</td><td>PEM client certificate, for etcd's {@code --client-cert-auth}</td><td>none</td></tr>
 *   <tr><td>REGISTRYKIT_TLS_CLIENT_KEY_FILE</td><td>registrykit.tls.client-key-file</td><td>its unencrypted PKCS#8 PEM key, with the certificate</td><td>none</td></tr>
 * </table>
 *
 * <p>A bad value fails naming its key (the variable or the property). The password appears in no
 * message and not in {@link #toString()}.
 *
 * @param endpoints   the etcd endpoints
 * @param namespace   the key root
 * @param instance    the instance to register
 * @param ttl         the lease TTL
 * @param callTimeout the bound of every call to etcd
 * @param auth        etcd's user and password, if etcd has auth on
 * @param tls         TLS to etcd, if its endpoints are {@code https://}
 */
public record RegistrationConfig(List<String> endpoints, String namespace, ServiceInstance instance, Duration ttl,
    Duration callTimeout, Optional<Auth> auth, Optional<Tls> tls) {

  /** The endpoint used when none is configured, the origin's connection string. */
  public static final String DEFAULT_ENDPOINT = ConnectionSettings.DEFAULT_ENDPOINT;

  /** Validates every component. */
  public RegistrationConfig {
    Objects.requireNonNull(endpoints, "endpoints must not be null");
    if (endpoints.isEmpty()) {
      throw new IllegalArgumentException("endpoints must not be empty, such as [" + DEFAULT_ENDPOINT + "]");
    }
    endpoints = List.copyOf(endpoints);
    EtcdRegistry.builder().withEndpoints(endpoints.toArray(String[]::new)); // validates each endpoint
    Validation.requireNamespace(namespace);
    Objects.requireNonNull(instance, "instance must not be null");
    Validation.requireTtl(ttl);
    EtcdRegistry.builder().withCallTimeout(callTimeout); // validates
    Objects.requireNonNull(auth, "auth must not be null (use Optional.empty())");
    Objects.requireNonNull(tls, "tls must not be null (use Optional.empty())");
  }

  /**
   * Without auth or TLS, with the default call timeout of 5 s: the components of registrykit 0.x's
   * record, kept for its callers.
   */
  public RegistrationConfig(List<String> endpoints, String namespace, ServiceInstance instance, Duration ttl) {
    this(endpoints, namespace, instance, ttl, ConnectionSettings.DEFAULT_CALL_TIMEOUT, Optional.empty(), Optional.empty());
  }

  /**
   * etcd's user/password auth.
   *
   * @param user     the etcd user, not blank
   * @param password the password (never shown by {@link #toString()})
   */
  public record Auth(String user, String password) {
    /** Validates both. */
    public Auth {
      Objects.requireNonNull(user, "user must not be null");
      Objects.requireNonNull(password, "password must not be null");
      if (user.isBlank()) {
        throw new IllegalArgumentException("user must not be blank");
      }
    }

    /** The user, without the password. */
    @Override
    public String toString() {
      return "Auth[user=" + user + ", password=(hidden)]";
    }
  }

  /** Reads the process environment; see the class documentation for the variables. */
  public static RegistrationConfig fromEnvironment() {
    return fromEnvironment(System.getenv());
  }

  /** Reads {@code environment} as if it were the process environment. */
  public static RegistrationConfig fromEnvironment(Map<String, String> environment) {
    return read(name -> environment.get(ConnectionSettings.envName(name)), ConnectionSettings::envName);
  }

  /** Reads {@code properties}; see the class documentation for the keys. */
  public static RegistrationConfig fromProperties(Properties properties) {
    return read(properties::getProperty, name -> name);
  }

  private static RegistrationConfig read(Function<String, String> source, Function<String, String> named) {
    ConnectionSettings connection = ConnectionSettings.read(source, named);
    String name = value(source, "registrykit.service.name").orElseThrow(() -> new IllegalArgumentException(
        named.apply("registrykit.service.name") + " is not set: the service to register, such as OrderShippingService"));
    String address = value(source, "registrykit.service.address").orElseThrow(() -> new IllegalArgumentException(
        named.apply("registrykit.service.address") + " is not set: where this instance is reached, such as http://10.0.0.7:5000"));
    String id = value(source, "registrykit.instance.id").orElseGet(() -> UUID.randomUUID().toString());
    Duration ttl = value(source, "registrykit.ttl")
        .map(text -> ConnectionSettings.parseDuration(named.apply("registrykit.ttl"), text, true))
        .orElse(Registry.DEFAULT_TTL);
    ServiceInstance instance;
    try {
      instance = ServiceInstance.of(name, id, address);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(named.apply("registrykit.service.name") + ", "
          + named.apply("registrykit.service.address") + " or " + named.apply("registrykit.instance.id") + ": "
          + e.getMessage(), e);
    }
    try {
      Validation.requireTtl(ttl);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(named.apply("registrykit.ttl") + ": " + e.getMessage(), e);
    }
    return new RegistrationConfig(connection.endpoints(), connection.namespace(), instance, ttl,
        connection.callTimeout(), connection.user().map(user -> new Auth(user, connection.password().orElseThrow())),
        connection.tls());
  }

  /** The connection these settings describe, as the one settings reader has it. */
  ConnectionSettings connection() {
    return new ConnectionSettings(endpoints, namespace, callTimeout, auth.map(Auth::user), auth.map(Auth::password), tls);
  }

  /** A builder, for configuration from code. */
  public static Builder builder() {
    return new Builder();
  }

  /** Builds a {@link RegistrationConfig}; {@link #build()} validates. */
  public static final class Builder {
    private List<String> endpoints = List.of(DEFAULT_ENDPOINT);
    private String namespace = "/services";
    private String serviceName;
    private String serviceAddress;
    private String instanceId = UUID.randomUUID().toString();
    private Duration ttl = Registry.DEFAULT_TTL;
    private Duration callTimeout = ConnectionSettings.DEFAULT_CALL_TIMEOUT;
    private Auth auth;
    private Tls tls;

    private Builder() {
    }

    /** The etcd endpoints; {@value RegistrationConfig#DEFAULT_ENDPOINT} by default. */
    public Builder withEndpoints(String... endpoints) {
      this.endpoints = List.of(endpoints);
      return this;
    }

    /** The service to register. Required. */
    public Builder withServiceName(String serviceName) {
      this.serviceName = serviceName;
      return this;
    }

    /** Where this instance is reached. Required. */
    public Builder withServiceAddress(String serviceAddress) {
      this.serviceAddress = serviceAddress;
      return this;
    }

    /** This instance's id; a random UUID by default. */
    public Builder withInstanceId(String instanceId) {
      this.instanceId = instanceId;
      return this;
    }

    /** The lease TTL; 30 s by default. */
    public Builder withTtl(Duration ttl) {
      this.ttl = ttl;
      return this;
    }

    /** The key root; {@code /services} by default. */
    public Builder withNamespace(String namespace) {
      this.namespace = namespace;
      return this;
    }

    /** The bound of every call to etcd; 5 s by default. */
    public Builder withCallTimeout(Duration callTimeout) {
      this.callTimeout = callTimeout;
      return this;
    }

    /** Authenticates with etcd's user/password auth; none by default. */
    public Builder withAuth(String user, String password) {
      this.auth = new Auth(user, password);
      return this;
    }

    /** Talks TLS to etcd (the endpoints must then be {@code https://}); none by default. */
    public Builder withTls(Tls tls) {
      this.tls = Objects.requireNonNull(tls, "tls must not be null");
      return this;
    }

    /** Validates and builds. */
    public RegistrationConfig build() {
      return new RegistrationConfig(endpoints, namespace, ServiceInstance.of(serviceName, instanceId, serviceAddress), ttl,
          callTimeout, Optional.ofNullable(auth), Optional.ofNullable(tls));
    }
  }
}
