package dev.registrykit.spring;

import java.util.Objects;

/**
 * A bad {@code registrykit.*} setting: its key, its value and the rule it breaks. Thrown where the
 * settings are checked (binding {@link RegistrykitProperties}, building the registry);
 * {@link InvalidSettingFailureAnalyzer} prints it in Spring Boot's "APPLICATION FAILED TO START" report.
 */
final class InvalidSettingException extends IllegalArgumentException {

  private static final long serialVersionUID = 1L;

  private final String key;
  private final transient Object value;
  private final String rule;

  /**
   * @param key   the property key, such as {@code registrykit.ttl}
   * @param value the bad value as bound, {@code null} for a setting that is missing
   * @param rule  what the value must be, a phrase that follows the key: {@code must be whole seconds, ...}
   * @param cause what the check threw, if anything
   */
  InvalidSettingException(String key, Object value, String rule, Throwable cause) {
    super(key + " " + rule + ", but was: " + describe(value), cause);
    this.key = Objects.requireNonNull(key, "key");
    this.value = value;
    this.rule = Objects.requireNonNull(rule, "rule");
  }

  InvalidSettingException(String key, Object value, String rule) {
    this(key, value, rule, null);
  }

  /** Runs {@code validation}; what it rejects becomes an {@code InvalidSettingException} of {@code key}. */
  static void check(String key, Object value, String rule, Runnable validation) {
    try {
      validation.run();
    } catch (IllegalArgumentException | NullPointerException e) {
      throw new InvalidSettingException(key, value, rule, e);
    }
  }

  /** A value as the report quotes it: {@code "0s"}, or {@code (not set)}. */
  static String describe(Object value) {
    return value == null ? "(not set)" : "\"" + value + "\"";
  }

  String key() {
    return key;
  }

  Object value() {
    return value;
  }

  String rule() {
    return rule;
  }
}
