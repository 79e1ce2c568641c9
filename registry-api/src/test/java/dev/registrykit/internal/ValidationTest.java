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
  @ValueSource(strings = {"/services", "/registrykit-test/abc_1", "/a.b/c-d", "services", "a.b/c-d"})
  void acceptsNamespaces(String namespace) {
    assertThat(Validation.requireNamespace(namespace)).isEqualTo(namespace);
  }

  @ParameterizedTest
  @ValueSource(strings = {"services/", "/services/", "/", "//x", "/a b", "", "a//b"})
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
  void ttlMustNotExceedEtcdsMaximumLeaseTtl() {
    Duration longest = Duration.ofSeconds(9_000_000_000L);
    assertThat(Validation.requireTtl(longest)).isEqualTo(longest);
    assertThat(Validation.requireWholeSeconds(longest, "defaultTtl")).isEqualTo(longest);
    assertThatThrownBy(() -> Validation.requireTtl(longest.plusSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("ttl must be at most PT2500000H (9000000000 s, etcd's maximum lease TTL) but was: PT2500000H1S");
    assertThatThrownBy(() -> Validation.requireTtl(Duration.ofSeconds(Long.MAX_VALUE)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("ttl must be at most PT2500000H (9000000000 s, etcd's maximum lease TTL) but was: "
            + "PT2562047788015215H30M7S");
    assertThatThrownBy(() -> Validation.requireTtl(Duration.ofSeconds(Long.MAX_VALUE, 999_999_999)))
        .as("too long and fractional: the limit is named first")
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("ttl must be at most PT2500000H");
    assertThatThrownBy(() -> Validation.requireWholeSeconds(Duration.ofDays(300 * 365L), "defaultTtl"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("defaultTtl must be at most PT2500000H (9000000000 s, etcd's maximum lease TTL) but was: PT2628000H");
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
