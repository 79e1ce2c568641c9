package dev.registrykit.spring;

import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.core.Ordered;
import org.springframework.core.env.Environment;

/**
 * Spring Boot's failure report for a bad {@code registrykit.*} setting: the key, the value as written
 * and where (a file, an environment variable), the rule, and what to change. Registered in {@code
 * META-INF/spring.factories}; ahead of Spring Boot's own bind report, which would name only the
 * {@code registrykit} prefix.
 */
final class InvalidSettingFailureAnalyzer extends AbstractFailureAnalyzer<InvalidSettingException> implements Ordered {

  private final Environment environment;

  /** Spring Boot passes the application's environment, to find the value as written. */
  InvalidSettingFailureAnalyzer(Environment environment) {
    this.environment = environment;
  }

  @Override
  protected FailureAnalysis analyze(Throwable rootFailure, InvalidSettingException cause) {
    ConfigurationProperty written = written(cause.key());
    StringBuilder description = new StringBuilder("Invalid value for ").append(cause.key()).append(": ");
    String bad = cause.value() == null ? null : String.valueOf(cause.value());
    if (written == null) {
      description.append(InvalidSettingException.describe(cause.value()));
    } else {
      String asWritten = String.valueOf(written.getValue());
      description.append(InvalidSettingException.describe(asWritten));
      if (bad != null && !bad.equals(asWritten)) {
        description.append(asWritten.contains(bad)
            ? ", where " + InvalidSettingException.describe(bad) + " is bad" // one of a list
            : " (read as " + bad + ")");                                     // converted, such as 0s to PT0S
      }
    }
    if (written != null && written.getOrigin() != null) {
      description.append(" (from ").append(written.getOrigin()).append(')');
    }
    description.append(".\n").append(cause.key()).append(' ').append(cause.rule()).append('.');
    String action = "Change " + cause.key() + (written != null && written.getOrigin() != null
        ? " (" + written.getOrigin() + ")" : "") + ": it " + cause.rule() + ".";
    return new FailureAnalysis(description.toString(), action, cause);
  }

  /** The key's value as the application's property sources hold it (any relaxed form), if one does. */
  private ConfigurationProperty written(String key) {
    if (environment == null || !ConfigurationPropertyName.isValid(key)) {
      return null;
    }
    ConfigurationPropertyName name = ConfigurationPropertyName.of(key);
    for (ConfigurationPropertySource source : ConfigurationPropertySources.get(environment)) {
      ConfigurationProperty property = source.getConfigurationProperty(name);
      if (property != null) {
        return property;
      }
    }
    return null;
  }

  @Override
  public int getOrder() {
    return Ordered.HIGHEST_PRECEDENCE;
  }
}
