package dev.registrykit.junit.internal;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * The settings the JUnit toolkit reads: a system property first, then an environment variable.
 * {@link #SYSTEM} reads this JVM's; tests of the choices made from settings give their own.
 */
final class Settings {

  static final String ENDPOINTS = "registrykit.etcd.endpoints";
  static final String IMAGE = "registrykit.etcd.image";
  static final String BINARY = "registrykit.etcd.binary";
  static final String BACKEND = "registrykit.etcd.backend";
  static final String REQUIRED = "registrykit.etcd.required";
  static final String TIME_SCALE = "registrykit.time.scale";

  /** This JVM's system properties and environment. */
  static final Settings SYSTEM = new Settings(System::getProperty, System::getenv);

  private final UnaryOperator<String> properties;
  private final UnaryOperator<String> environment;

  private Settings(UnaryOperator<String> properties, UnaryOperator<String> environment) {
    this.properties = properties;
    this.environment = environment;
  }

  /** Settings from these system properties and environment variables instead of the JVM's. */
  static Settings of(Map<String, String> properties, Map<String, String> environment) {
    Map<String, String> ownProperties = Map.copyOf(properties);
    Map<String, String> ownEnvironment = Map.copyOf(environment);
    return new Settings(ownProperties::get, ownEnvironment::get);
  }

  /** {@code registrykit.etcd.image} → {@code REGISTRYKIT_ETCD_IMAGE}. */
  static String envName(String property) {
    return property.toUpperCase(Locale.ROOT).replace('.', '_');
  }

  /** {@code property} from this JVM: the system property, else the environment variable. */
  static Optional<String> get(String property) {
    return SYSTEM.value(property);
  }

  /** {@code property}: the system property unless blank, else the environment variable unless blank. */
  Optional<String> value(String property) {
    String value = properties.apply(property);
    if (value == null || value.isBlank()) {
      value = environment.apply(envName(property));
    }
    return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.trim());
  }

  /** The endpoints of an etcd the user runs, as written: comma-separated, blanks dropped; empty if unset. */
  List<String> endpoints() {
    return value(ENDPOINTS).map(v -> Arrays.stream(v.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList())
        .orElse(List.of());
  }

  static boolean required() {
    return get(REQUIRED).map(Boolean::parseBoolean).orElse(false);
  }

  static double timeScale() {
    String value = get(TIME_SCALE).orElse("1");
    try {
      double scale = Double.parseDouble(value);
      if (scale > 0 && Double.isFinite(scale)) {
        return scale;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException(TIME_SCALE + " must be a positive number such as 2.0 but was: \"" + value + "\"");
  }
}
