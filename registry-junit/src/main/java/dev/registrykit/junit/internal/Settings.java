package dev.registrykit.junit.internal;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** The settings the JUnit toolkit reads: a system property first, then an environment variable. */
final class Settings {

  static final String ENDPOINTS = "registrykit.etcd.endpoints";
  static final String IMAGE = "registrykit.etcd.image";
  static final String BINARY = "registrykit.etcd.binary";
  static final String BACKEND = "registrykit.etcd.backend";
  static final String REQUIRED = "registrykit.etcd.required";
  static final String TIME_SCALE = "registrykit.time.scale";

  private Settings() {
  }

  /** {@code registrykit.etcd.image} → {@code REGISTRYKIT_ETCD_IMAGE}. */
  static String envName(String property) {
    return property.toUpperCase(Locale.ROOT).replace('.', '_');
  }

  static Optional<String> get(String property) {
    String value = System.getProperty(property);
    if (value == null || value.isBlank()) {
      value = System.getenv(envName(property));
    }
    return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.trim());
  }

  static List<String> endpoints() {
    return get(ENDPOINTS).map(v -> Arrays.stream(v.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList())
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
