package dev.registrykit.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ValidationTest {

  @Test
  void ttlMustBePositiveWholeSeconds() {
    assertThat(Validation.requireTtl(Duration.ofSeconds(30))).isEqualTo(Duration.ofSeconds(30));
    assertThatThrownBy(() -> Validation.requireTtl(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("ttl must be positive but was: PT0S");
    assertThatThrownBy(() -> Validation.requireTtl(Duration.ofSeconds(-5)))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("ttl must be positive but was: PT-5S");
    assertThatThrownBy(() -> Validation.requireTtl(Duration.ofMillis(1500)))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("ttl must be a whole number of seconds but was: PT1.5S");
    assertThatThrownBy(() -> Validation.requireTtl(null))
        .isInstanceOf(NullPointerException.class).hasMessage("ttl must not be null");
  }

  @Test
  void aTimeoutMayBeZeroButNotNegative() {
    assertThat(Validation.requireNotNegative(Duration.ZERO, "timeout")).isEqualTo(Duration.ZERO);
    assertThatThrownBy(() -> Validation.requireNotNegative(Duration.ofSeconds(-1), "timeout"))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("timeout must not be negative but was: PT-1S");
    assertThatThrownBy(() -> Validation.requireNotNegative(null, "timeout"))
        .isInstanceOf(NullPointerException.class).hasMessage("timeout must not be null");
  }

  @ParameterizedTest
  @ValueSource(strings = {"/services", "/registrykit-test/abc_1", "/a.b/c-d"})
  void acceptsNamespaces(String namespace) {
    assertThat(Validation.requireNamespace(namespace)).isEqualTo(namespace);
  }

  @ParameterizedTest
  @ValueSource(strings = {"services", "/services/", "/", "//x", "/a b", ""})
  void rejectsNamespaces(String namespace) {
    assertThatThrownBy(() -> Validation.requireNamespace(namespace))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("but was: \"" + namespace + "\"");
  }

  @Test
  void serviceNamesFollowTheInstanceRules() {
    assertThatThrownBy(() -> Validation.requireServiceName("a/b"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("serviceName must match [A-Za-z0-9._-]{1,128} but was: \"a/b\"");
    assertThatThrownBy(() -> Validation.requireServiceName(null))
        .isInstanceOf(NullPointerException.class).hasMessage("serviceName must not be null");
  }

  @Test
  void positiveDurationsNameTheSettingAndTheValue() {
    assertThat(Validation.requirePositive(Duration.ofNanos(1), "period")).isEqualTo(Duration.ofNanos(1));
    assertThatThrownBy(() -> Validation.requirePositive(Duration.ZERO, "period"))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("period must be positive but was: PT0S");
    assertThatThrownBy(() -> Validation.requirePositive(Duration.ofMillis(-5), "period"))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("period must be positive but was: PT-0.005S");
    assertThatThrownBy(() -> Validation.requirePositive(null, "period"))
        .isInstanceOf(NullPointerException.class).hasMessage("period must not be null");
  }
}
