package dev.registrykit.etcd.internal;

import dev.registrykit.etcd.EtcdRegistry;
import dev.registrykit.etcd.Tls;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one reader of registrykit's settings, by property name ({@code registrykit.endpoints}) or
 * environment variable ({@code REGISTRYKIT_ENDPOINTS}), with everything a connection needs: the
 * endpoints, the namespace, the call timeout, auth and TLS. The keys are the Spring starter's
 * ({@code RegistrykitProperties}), so one set of variables configures every way in.
 * {@code RegistrationConfig} reads its settings through it, and so does registry-grpc's registry of
 * the configuration (this package is exported to it alone).
 *
 * @param endpoints   the etcd endpoints, at least one
 * @param namespace   the key root
 * @param callTimeout the bound of every call to etcd
 * @param user        etcd's user, if auth is on
 * @param password    the user's password, with the user (never shown by {@link #toString()})
 * @param tls         TLS to etcd, if its endpoints are {@code https://}
 */
public record ConnectionSettings(List<String> endpoints, String namespace, Duration callTimeout,
    Optional<String> user, Optional<String> password, Optional<Tls> tls) {

  /** The property of the endpoints, comma-separated. */
  public static final String ENDPOINTS = "registrykit.endpoints";
  /** The property of the key root. */
  public static final String NAMESPACE = "registrykit.namespace";
  /** The property of the call timeout. */
  public static final String CALL_TIMEOUT = "registrykit.call-timeout";
  /** The property of etcd's user. */
  public static final String USER = "registrykit.auth.user";
  /** The property of the user's password. */
  public static final String PASSWORD = "registrykit.auth.password";
  /** The property of the CA file (PEM). */
  public static final String CA_FILE = "registrykit.tls.ca-file";
  /** The property of the client certificate file (PEM). */
  public static final String CLIENT_CERTIFICATE_FILE = "registrykit.tls.client-certificate-file";
  /** The property of the client key file (PKCS#8 PEM). */
  public static final String CLIENT_KEY_FILE = "registrykit.tls.client-key-file";
  /** The endpoint used when none is configured, the origin's connection string. */
  public static final String DEFAULT_ENDPOINT = "http://localhost:2379";
  /** The key root used when none is configured. */
  public static final String DEFAULT_NAMESPACE = "/services";
  /** The call timeout used when none is configured. */
  public static final Duration DEFAULT_CALL_TIMEOUT = Duration.ofSeconds(5);

  private static final Pattern WITH_UNIT = Pattern.compile("(\\d+)\\s*(ms|s|m|h)");

  /** Copies the endpoints; checks that user and password come together. */
  public ConnectionSettings {
    endpoints = List.copyOf(endpoints);
    Objects.requireNonNull(namespace, "namespace must not be null");
    Objects.requireNonNull(callTimeout, "callTimeout must not be null");
    Objects.requireNonNull(user, "user must not be null (use Optional.empty())");
    Objects.requireNonNull(password, "password must not be null (use Optional.empty())");
    Objects.requireNonNull(tls, "tls must not be null (use Optional.empty())");
    if (user.isPresent() != password.isPresent()) {
      throw new IllegalArgumentException("user and password go together but only the "
          + (user.isPresent() ? "user" : "password") + " was given");
    }
  }

  /** Endpoints and namespace only; the other settings at their defaults. */
  public ConnectionSettings(List<String> endpoints, String namespace) {
    this(endpoints, namespace, DEFAULT_CALL_TIMEOUT, Optional.empty(), Optional.empty(), Optional.empty());
  }

  /** {@link #read(Function, Function)} naming the keys by property name. */
  public static ConnectionSettings read(Function<String, String> source) {
    return read(source, property -> property);
  }

  /**
   * The settings {@code source} gives, by property name, each with its default where unset; the
   * endpoints split at commas, blank entries dropped. A bad value fails naming its key as
   * {@code named} spells it (the property, or the environment variable).
   *
   * @throws IllegalArgumentException naming the key of a bad value
   */
  public static ConnectionSettings read(Function<String, String> source, Function<String, String> named) {
    List<String> endpoints = Arrays.stream(value(source, ENDPOINTS).orElse(DEFAULT_ENDPOINT).split(","))
        .map(String::trim).filter(endpoint -> !endpoint.isEmpty()).toList();
    for (String endpoint : endpoints) {
      check(named.apply(ENDPOINTS), () -> EtcdRegistry.builder().withEndpoints(endpoint));
    }
    String namespace = value(source, NAMESPACE).orElse(DEFAULT_NAMESPACE);
    check(named.apply(NAMESPACE), () -> EtcdRegistry.builder().withNamespace(namespace));
    Duration callTimeout = value(source, CALL_TIMEOUT)
        .map(text -> parseDuration(named.apply(CALL_TIMEOUT), text, false)).orElse(DEFAULT_CALL_TIMEOUT);
    check(named.apply(CALL_TIMEOUT), () -> EtcdRegistry.builder().withCallTimeout(callTimeout));
    Optional<String> user = value(source, USER);
    Optional<String> password = Optional.ofNullable(source.apply(PASSWORD)).filter(text -> !text.isBlank()); // not trimmed
    if (user.isPresent() != password.isPresent()) {
      throw new IllegalArgumentException(named.apply(USER) + " and " + named.apply(PASSWORD) + " go together but only "
          + named.apply(user.isPresent() ? USER : PASSWORD) + " is set");
    }
    Optional<Path> ca = value(source, CA_FILE).map(Path::of);
    Optional<Path> certificate = value(source, CLIENT_CERTIFICATE_FILE).map(Path::of);
    Optional<Path> key = value(source, CLIENT_KEY_FILE).map(Path::of);
    if (ca.isEmpty() && (certificate.isPresent() || key.isPresent())) {
      throw new IllegalArgumentException(named.apply(certificate.isPresent() ? CLIENT_CERTIFICATE_FILE : CLIENT_KEY_FILE)
          + " needs " + named.apply(CA_FILE) + " as well: the CA that signed etcd's certificate");
    }
    if (certificate.isPresent() != key.isPresent()) {
      throw new IllegalArgumentException(named.apply(CLIENT_CERTIFICATE_FILE) + " and " + named.apply(CLIENT_KEY_FILE)
          + " go together but only " + named.apply(certificate.isPresent() ? CLIENT_CERTIFICATE_FILE : CLIENT_KEY_FILE)
          + " is set");
    }
    Optional<Tls> tls = ca.map(file -> tls(named, file, certificate, key));
    return new ConnectionSettings(endpoints, namespace, callTimeout, user, password, tls);
  }

  private static Tls tls(Function<String, String> named, Path ca, Optional<Path> certificate, Optional<Path> key) {
    requireReadable(named.apply(CA_FILE), ca);
    certificate.ifPresent(file -> requireReadable(named.apply(CLIENT_CERTIFICATE_FILE), file));
    key.ifPresent(file -> requireReadable(named.apply(CLIENT_KEY_FILE), file));
    try {
      return new Tls(ca, certificate, key);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(named.apply(CLIENT_KEY_FILE) + ": " + e.getMessage(), e);
    }
  }

  /** A registry builder with every setting applied; {@code build()} it. */
  public EtcdRegistry.Builder builder() {
    EtcdRegistry.Builder builder = EtcdRegistry.builder().withEndpoints(endpoints.toArray(String[]::new))
        .withNamespace(namespace).withCallTimeout(callTimeout);
    user.ifPresent(name -> builder.withAuth(name, password.orElseThrow()));
    tls.ifPresent(builder::withTls);
    return builder;
  }

  /**
   * A duration as {@code text} writes it: ISO-8601 ({@code PT5S}), or a whole number with a unit
   * ({@code 500ms}, {@code 5s}, {@code 2m}, {@code 1h}), or, if {@code bareSeconds}, a whole number of
   * seconds ({@code 30}).
   *
   * @throws IllegalArgumentException naming {@code name} if it is none of these
   */
  public static Duration parseDuration(String name, String text, boolean bareSeconds) {
    String trimmed = text.trim();
    try {
      if (bareSeconds && !trimmed.isEmpty() && trimmed.chars().allMatch(Character::isDigit)) {
        return Duration.ofSeconds(Long.parseLong(trimmed));
      }
      Matcher withUnit = WITH_UNIT.matcher(trimmed.toLowerCase(Locale.ROOT));
      if (withUnit.matches()) {
        long amount = Long.parseLong(withUnit.group(1));
        return switch (withUnit.group(2)) {
          case "ms" -> Duration.ofMillis(amount);
          case "s" -> Duration.ofSeconds(amount);
          case "m" -> Duration.ofMinutes(amount);
          default -> Duration.ofHours(amount);
        };
      }
      return Duration.parse(trimmed);
    } catch (DateTimeParseException | NumberFormatException | ArithmeticException e) {
      throw new IllegalArgumentException(name + " must be " + (bareSeconds ? "seconds (30), " : "")
          + "a number with a unit (500ms, 5s) or an ISO-8601 duration (" + (bareSeconds ? "PT30S" : "PT5S")
          + ") but was: \"" + text + "\"", e);
    }
  }

  private static void requireReadable(String key, Path file) {
    if (!Files.isReadable(file)) {
      throw new IllegalArgumentException(key + " must name a readable file but was: " + file.toAbsolutePath());
    }
  }

  private static void check(String key, Runnable validation) {
    try {
      validation.run();
    } catch (IllegalArgumentException | NullPointerException e) {
      throw new IllegalArgumentException(key + ": " + e.getMessage(), e);
    }
  }

  /** The trimmed value {@code source} gives for {@code property}; empty if it gives none or a blank one. */
  public static Optional<String> value(Function<String, String> source, String property) {
    String value = source.apply(property);
    return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.trim());
  }

  /**
   * The environment variable of {@code property}, as Spring Boot binds it too: {@code
   * registrykit.endpoints} is {@code REGISTRYKIT_ENDPOINTS}, {@code registrykit.call-timeout} is {@code
   * REGISTRYKIT_CALL_TIMEOUT}.
   */
  public static String envName(String property) {
    return property.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
  }

  /** A source by property name: the property where set and not blank, else its environment variable. */
  public static Function<String, String> propertyThenEnvironment(UnaryOperator<String> properties,
      UnaryOperator<String> environment) {
    return property -> value(properties::apply, property).orElseGet(() -> environment.apply(envName(property)));
  }

  /** The settings, without the password. */
  @Override
  public String toString() {
    return "ConnectionSettings[endpoints=" + endpoints + ", namespace=" + namespace + ", callTimeout=" + callTimeout
        + ", user=" + user.orElse("(none)") + (password.isPresent() ? ", password=(hidden)" : "")
        + ", tls=" + tls.map(Object::toString).orElse("(none)") + "]";
  }
}
