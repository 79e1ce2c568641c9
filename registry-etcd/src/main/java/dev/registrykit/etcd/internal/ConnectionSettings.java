package dev.registrykit.etcd.internal;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * The one reader of registrykit's settings, by property name ({@code registrykit.endpoints}) or
 * environment variable ({@code REGISTRYKIT_ENDPOINTS}), with the connection's two: the endpoints and
 * the namespace. {@code RegistrationConfig} reads its settings through it, and so does registry-grpc's
 * registry of the configuration (this package is exported to it alone).
 *
 * @param endpoints the etcd endpoints, at least one
 * @param namespace the key root
 */
public record ConnectionSettings(List<String> endpoints, String namespace) {

  /** The property of the endpoints, comma-separated. */
  public static final String ENDPOINTS = "registrykit.endpoints";
  /** The property of the key root. */
  public static final String NAMESPACE = "registrykit.namespace";
  /** The endpoint used when none is configured, the origin's connection string. */
  public static final String DEFAULT_ENDPOINT = "http://localhost:2379";
  /** The key root used when none is configured. */
  public static final String DEFAULT_NAMESPACE = "/services";

  /** Copies the endpoints. */
  public ConnectionSettings {
    endpoints = List.copyOf(endpoints);
  }

  /**
   * The endpoints and namespace {@code source} gives, by property name, each with its default where
   * unset; the endpoints split at commas, blank entries dropped.
   */
  public static ConnectionSettings read(Function<String, String> source) {
    List<String> endpoints = Arrays.stream(value(source, ENDPOINTS).orElse(DEFAULT_ENDPOINT).split(","))
        .map(String::trim).filter(endpoint -> !endpoint.isEmpty()).toList();
    return new ConnectionSettings(endpoints, value(source, NAMESPACE).orElse(DEFAULT_NAMESPACE));
  }

  /** The trimmed value {@code source} gives for {@code property}; empty if it gives none or a blank one. */
  public static Optional<String> value(Function<String, String> source, String property) {
    String value = source.apply(property);
    return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.trim());
  }

  /** The environment variable of {@code property}: {@code registrykit.endpoints} is {@code REGISTRYKIT_ENDPOINTS}. */
  public static String envName(String property) {
    return property.toUpperCase(Locale.ROOT).replace('.', '_');
  }

  /** A source by property name: the property where set and not blank, else its environment variable. */
  public static Function<String, String> propertyThenEnvironment(UnaryOperator<String> properties,
      UnaryOperator<String> environment) {
    return property -> value(properties::apply, property).orElseGet(() -> environment.apply(envName(property)));
  }
}
