package dev.registrykit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RecoveryTest {

  @Test
  void backoffBoundsAreChecked() {
    assertThatThrownBy(() -> Recovery.withBackoff(Duration.ZERO, Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("minBackoff must be positive but was: PT0S");
    assertThatThrownBy(() -> Recovery.withBackoff(Duration.ofSeconds(2), Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxBackoff must be at least minBackoff (PT2S) but was: PT1S");
    assertThatThrownBy(() -> Recovery.withBackoff(null, Duration.ofSeconds(1)))
        .isInstanceOf(NullPointerException.class).hasMessage("minBackoff must not be null");
    assertThatThrownBy(() -> Recovery.withBackoff(Duration.ofSeconds(1), null))
        .isInstanceOf(NullPointerException.class).hasMessage("maxBackoff must not be null");
    assertThat(Recovery.withBackoff(Duration.ofSeconds(1), Duration.ofSeconds(1))).as("equal bounds are allowed")
        .isEqualTo(new Recovery.Reregister(Duration.ofSeconds(1), Duration.ofSeconds(1)));
  }

  @Test
  void theDefaultRegistersAgainBackingOffFrom100MillisecondsUpTo5Seconds() {
    assertThat(Recovery.defaults()).isEqualTo(new Recovery.Reregister(Duration.ofMillis(100), Duration.ofSeconds(5)));
    assertThat(Recovery.disabled()).isEqualTo(new Recovery.Disabled());
  }
}
