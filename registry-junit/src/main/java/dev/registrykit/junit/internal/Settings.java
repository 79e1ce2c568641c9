package dev.registrykit.junit.internal;

import java.lang.management.ManagementFactory;
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
public final class Settings {

  public static final String ENDPOINTS = "registrykit.etcd.endpoints";
  public static final String IMAGE = "registrykit.etcd.image";
  public static final String BINARY = "registrykit.etcd.binary";
  public static final String SOURCE = "registrykit.etcd.source";
  public static final String REQUIRED = "registrykit.etcd.required";
  /** Who shares the run's etcd container: {@code jvm} (each test JVM its own, the default) or {@code machine}. */
  public static final String SHARE = "registrykit.etcd.share";
  public static final String TIME_SCALE = "registrykit.time.scale";
  /** The value of {@link #TIME_SCALE} (and its default) that follows the machine's load. */
  public static final String AUTO = "auto";
  /** The largest scale {@link #AUTO} chooses: bounds stay bounds on the busiest machine. */
  public static final double MAX_AUTO_SCALE = 4.0;

  /** This JVM's system properties and environment. */
  public static final Settings SYSTEM = new Settings(System::getProperty, System::getenv);

  private final UnaryOperator<String> properties;
  private final UnaryOperator<String> environment;

  private Settings(UnaryOperator<String> properties, UnaryOperator<String> environment) {
    this.properties = properties;
    this.environment = environment;
  }

  /** Settings from these system properties and environment variables instead of the JVM's. */
  public static Settings of(Map<String, String> properties, Map<String, String> environment) {
    Map<String, String> ownProperties = Map.copyOf(properties);
    Map<String, String> ownEnvironment = Map.copyOf(environment);
    return new Settings(ownProperties::get, ownEnvironment::get);
  }

  /** {@code registrykit.etcd.image} → {@code REGISTRYKIT_ETCD_IMAGE}. */
  public static String envName(String property) {
    return property.toUpperCase(Locale.ROOT).replace('.', '_');
  }

  /** {@code property} from this JVM: the system property, else the environment variable. */
  public static Optional<String> get(String property) {
    return SYSTEM.value(property);
  }

  /** {@code property}: the system property unless blank, else the environment variable unless blank. */
  public Optional<String> value(String property) {
    String value = properties.apply(property);
    if (value == null || value.isBlank()) {
      value = environment.apply(envName(property));
    }
    return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.trim());
  }

  /** The endpoints of an etcd the user runs, as written: comma-separated, blanks dropped; empty if unset. */
  public List<String> endpoints() {
    return value(ENDPOINTS).map(v -> Arrays.stream(v.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList())
        .orElse(List.of());
  }

  public static boolean required() {
    return get(REQUIRED).map(Boolean::parseBoolean).orElse(false);
  }

  /**
   * {@code registrykit.time.scale}: a positive number, or {@code auto} (the default when unset),
   * which is {@link #loadScale(double, int)} of this machine's load average now.
   */
  public static double timeScale() {
    String value = get(TIME_SCALE).orElse(AUTO);
    if (value.equalsIgnoreCase(AUTO)) {
      return loadScale(ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(),
          Runtime.getRuntime().availableProcessors());
    }
    try {
      double scale = Double.parseDouble(value);
      if (scale > 0 && Double.isFinite(scale)) {
        return scale;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException(TIME_SCALE + " must be a positive number such as 2.0, or auto, but was: \""
        + value + "\"");
  }

  /**
   * The automatic time scale: 1 while the load average is at most one runnable task per core (or
   * unknown, negative), else the load per core rounded up to a tenth, at most {@value #MAX_AUTO_SCALE}:
   * on a machine whose cores are shared by three times as many tasks, etcd answers and the test's
   * threads run about three times later.
   */
  public static double loadScale(double loadAverage, int cores) {
    if (!(loadAverage > cores) || cores <= 0) {
      return 1.0;
    }
    return Math.min(MAX_AUTO_SCALE, Math.ceil(loadAverage / cores * 10) / 10);
  }

  /**
   * Whether the test JVMs of this machine share one etcd container ({@code registrykit.etcd.share=machine})
   * rather than each starting its own ({@code jvm}, the default).
   *
   * @throws IllegalArgumentException for any other value
   */
  public static boolean sharedByMachine() {
    String value = get(SHARE).orElse("jvm");
    return switch (value.toLowerCase(Locale.ROOT)) {
      case "jvm" -> false;
      case "machine" -> true;
      default -> throw new IllegalArgumentException(SHARE + " must be jvm (each test JVM its own etcd) or machine "
          + "(the test JVMs of this machine share one container) but was: \"" + value + "\"");
    };
  }
}
