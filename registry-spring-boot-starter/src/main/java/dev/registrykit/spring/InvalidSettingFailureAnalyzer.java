package dev.registrykit.spring;

import java.util.Objects;
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
    if (written != null && !Objects.equals(String.valueOf(written.getValue()), String.valueOf(cause.value()))) {
      description.append(InvalidSettingException.describe(written.getValue()));
      if (cause.value() != null) {
        description.append(", where ").append(InvalidSettingException.describe(cause.value())).append(" is bad");
      }
    } else {
      description.append(InvalidSettingException.describe(written != null ? written.getValue() : cause.value()));
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
