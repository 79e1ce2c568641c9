package dev.registrykit.etcd;

import static dev.registrykit.etcd.internal.ConnectionSettings.value;

import dev.registrykit.Registry;
import dev.registrykit.ServiceInstance;
import dev.registrykit.etcd.internal.ConnectionSettings;
import dev.registrykit.internal.Validation;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.UUID;
import java.util.function.Function;

/**
 * How an application registers itself, as in the origin recipe: the etcd connection string, the
 * service name and address, and the TTL. Read it from the environment, from properties, or build
 * it; then {@link ServiceRegistrar#start(RegistrationConfig)}.
 *
 * <table>
 *   <caption>Settings</caption>
 *   <tr><th>environment</th><th>property</th><th>meaning</th><th>default</th></tr>
 *   <tr><td>REGISTRYKIT_ENDPOINTS</td><td>registrykit.endpoints</td><td>etcd endpoints, comma-separated</td><td>http://localhost:2379</td></tr>
 *   <tr><td>REGISTRYKIT_SERVICE_NAME</td><td>registrykit.service.name</td><td>service name</td><td>required</td></tr>
 *   <tr><td>REGISTRYKIT_SERVICE_ADDRESS</td><td>registrykit.service.address</td><td>where this instance is reached</td><td>required</td></tr>
 *   <tr><td>REGISTRYKIT_INSTANCE_ID</td><td>registrykit.instance.id</td><td>this instance's id</td><td>a random UUID</td></tr>
 *   <tr><td>REGISTRYKIT_TTL</td><td>registrykit.ttl</td><td>lease TTL: seconds ({@code 30}) or ISO-8601 ({@code PT30S})</td><td>30</td></tr>
 *   <tr><td>REGISTRYKIT_NAMESPACE</td><td>registrykit.namespace</td><td>key root</td><td>/services</td></tr>
 * </table>
 *
 * @param endpoints the etcd endpoints
 * @param namespace the key root
 * @param instance  the instance to register
 * @param ttl       the lease TTL
 */
public record RegistrationConfig(List<String> endpoints, String namespace, ServiceInstance instance, Duration ttl) {

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
    ConnectionSettings connection = ConnectionSettings.read(source);
    String name = value(source, "registrykit.service.name").orElseThrow(() -> new IllegalArgumentException(
        named.apply("registrykit.service.name") + " is not set: the service to register, such as OrderShippingService"));
    String address = value(source, "registrykit.service.address").orElseThrow(() -> new IllegalArgumentException(
        named.apply("registrykit.service.address") + " is not set: where this instance is reached, such as http://10.0.0.7:5000"));
    String id = value(source, "registrykit.instance.id").orElseGet(() -> UUID.randomUUID().toString());
    Duration ttl = value(source, "registrykit.ttl").map(text -> parseTtl(named.apply("registrykit.ttl"), text))
        .orElse(Registry.DEFAULT_TTL);
    return new RegistrationConfig(connection.endpoints(), connection.namespace(), ServiceInstance.of(name, id, address), ttl);
  }

  private static Duration parseTtl(String name, String text) {
    try {
      return text.chars().allMatch(Character::isDigit) ? Duration.ofSeconds(Long.parseLong(text)) : Duration.parse(text);
    } catch (DateTimeParseException | NumberFormatException e) {
      throw new IllegalArgumentException(name + " must be seconds (30) or an ISO-8601 duration (PT30S) but was: \""
          + text + "\"", e);
    }
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

    /** Validates and builds. */
    public RegistrationConfig build() {
      return new RegistrationConfig(endpoints, namespace, ServiceInstance.of(serviceName, instanceId, serviceAddress), ttl);
    }
  }
}
