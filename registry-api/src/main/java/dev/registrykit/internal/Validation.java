package dev.registrykit.internal;

import java.time.Duration;
import java.util.Objects;

/** Argument checks every backend applies the same way, so both reject bad input alike. */
public final class Validation {

  /**
   * The pattern service names, instance ids and metadata keys must match; {@code
   * ServiceInstance.NAME_PATTERN} is this (defined here, so that this package imports nothing of the API).
   */
  public static final String NAME_PATTERN = "[A-Za-z0-9._-]{1,128}";

  private static final String SEGMENT = NAME_PATTERN;

  /**
   * The longest lease TTL etcd grants: {@code MaxLeaseTTL} of etcd's lessor, 9,000,000,000 s (about
   * 285 years); etcd refuses a longer one with "too large lease TTL". Every backend refuses it the same
   * way, at the call site.
   */
  static final Duration MAX_TTL = Duration.ofSeconds(9_000_000_000L);

  private Validation() {
  }

  /**
   * Whether {@code value} matches {@code [A-Za-z0-9._-]{1,128}}, the alphabet of service names,
   * instance ids and metadata keys. A loop, not a regex: it runs on every register and every
   * decoded instance, where a {@code Matcher} was a measurable part of the cost.
   */
  public static boolean isName(String value) {
    int length = value.length();
    if (length < 1 || length > 128) {
      return false;
    }
    for (int i = 0; i < length; i++) {
      char c = value.charAt(i);
      boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
          || c == '.' || c == '_' || c == '-';
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  /**
   * A lease TTL: positive, at most {@link #MAX_TTL} and a whole number of seconds (etcd grants whole
   * seconds).
   *
   * @return {@code ttl}
   */
  public static Duration requireTtl(Duration ttl) {
    Objects.requireNonNull(ttl, "ttl must not be null");
    if (ttl.isNegative() || ttl.isZero()) {
      throw new IllegalArgumentException("ttl must be positive but was: " + ttl);
    }
    requireAtMostMaxTtl(ttl, "ttl");
    if (ttl.getNano() != 0) {
      throw new IllegalArgumentException("ttl must be a whole number of seconds but was: " + ttl);
    }
    return ttl;
  }

  /**
   * A duration setting that etcd takes in whole seconds, such as a default or minimum TTL; at most
   * {@link #MAX_TTL}.
   *
   * @param name the setting, named in the message
   * @return {@code value}
   */
  public static Duration requireWholeSeconds(Duration value, String name) {
    Objects.requireNonNull(value, () -> name + " must not be null");
    if (value.isNegative() || value.isZero() || value.getNano() != 0) {
      throw new IllegalArgumentException(name + " must be a positive whole number of seconds but was: " + value);
    }
    requireAtMostMaxTtl(value, name);
    return value;
  }

  private static void requireAtMostMaxTtl(Duration value, String name) {
    if (value.compareTo(MAX_TTL) > 0) {
      throw new IllegalArgumentException(name + " must be at most " + MAX_TTL + " (" + MAX_TTL.getSeconds()
          + " s, etcd's maximum lease TTL) but was: " + value);
    }
  }

  /** A service name as in {@code ServiceInstance.serviceName()}. */
  public static String requireServiceName(String serviceName) {
    Objects.requireNonNull(serviceName, "serviceName must not be null");
    if (!isName(serviceName)) {
      throw new IllegalArgumentException(
          "serviceName must match " + SEGMENT + " but was: \"" + serviceName + "\"");
    }
    return serviceName;
  }

  /**
   * A namespace (key root): segments of {@code [A-Za-z0-9._-]} separated by {@code /}, with or without
   * a leading {@code /}, no trailing {@code /}; {@code /services} by default. The two are different
   * prefixes in etcd: {@code /services} holds {@code /services/{service}/…}, {@code services} holds
   * {@code services/{service}/…}, what etcd's Go resolver follows for the target {@code
   * etcd:///services/{service}} (it drops the target path's leading {@code /}).
   */
  public static String requireNamespace(String namespace) {
    Objects.requireNonNull(namespace, "namespace must not be null");
    String segments = namespace.startsWith("/") ? namespace.substring(1) : namespace;
    for (String segment : segments.split("/", -1)) {
      if (!isName(segment)) {
        throw new IllegalArgumentException("namespace must be segments of " + SEGMENT + " separated by '/', with or "
            + "without a leading '/' and no trailing '/', such as /services or services, but was: \"" + namespace
            + "\"");
      }
    }
    return namespace;
  }

  /** A name in the instance alphabet, such as an election or candidate name; {@code what} names it. */
  public static String requireName(String what, String value) {
    Objects.requireNonNull(value, () -> what + " must not be null");
    if (!isName(value)) {
      throw new IllegalArgumentException(what + " must match " + SEGMENT + " but was: \"" + value + "\"");
    }
    return value;
  }

  /**
   * A duration that may be zero but not negative, such as a timeout; {@code name} names it.
   *
   * @return {@code value}
   */
  public static Duration requireNotNegative(Duration value, String name) {
    Objects.requireNonNull(value, () -> name + " must not be null");
    if (value.isNegative()) {
      throw new IllegalArgumentException(name + " must not be negative but was: " + value);
    }
    return value;
  }

  /**
   * A duration that must be positive, such as a period or a timeout; {@code name} names it.
   *
   * @return {@code value}
   */
  public static Duration requirePositive(Duration value, String name) {
    Objects.requireNonNull(value, () -> name + " must not be null");
    if (value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(name + " must be positive but was: " + value);
    }
    return value;
  }

  /** A non-null listener (or other callback), named in the message. */
  public static <T> T requireNonNull(T value, String name) {
    return Objects.requireNonNull(value, () -> name + " must not be null");
  }
}
