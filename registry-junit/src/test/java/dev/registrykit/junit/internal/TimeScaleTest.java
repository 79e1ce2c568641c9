package dev.registrykit.junit.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@code registrykit.time.scale}: a number wins; unset or {@code auto} follows the load per core, capped. */
class TimeScaleTest {

  @AfterEach
  void clear() {
    System.clearProperty(Settings.TIME_SCALE);
  }

  @Test
  void anIdleOrUnknownMachineKeepsTheBoundsAsTheyAre() {
    assertThat(Settings.loadScale(0.0, 2)).isEqualTo(1.0);
    assertThat(Settings.loadScale(2.0, 2)).as("one runnable task per core").isEqualTo(1.0);
    assertThat(Settings.loadScale(-1.0, 2)).as("no load average on this platform").isEqualTo(1.0);
    assertThat(Settings.loadScale(Double.NaN, 2)).isEqualTo(1.0);
  }

  @Test
  void aLoadedMachineScalesByItsLoadPerCoreRoundedUpToATenthAndCapped() {
    assertThat(Settings.loadScale(2.1, 2)).isEqualTo(1.1);
    assertThat(Settings.loadScale(5.8, 2)).isEqualTo(2.9);
    assertThat(Settings.loadScale(11.8, 2)).isEqualTo(Settings.MAX_AUTO_SCALE);
    assertThat(Settings.loadScale(1_000.0, 64)).isEqualTo(Settings.MAX_AUTO_SCALE);
  }

  @Test
  void aNumberWinsAndAutoFollowsTheLoad() {
    System.setProperty(Settings.TIME_SCALE, "2.5");
    assertThat(Settings.timeScale()).isEqualTo(2.5);
    System.setProperty(Settings.TIME_SCALE, "AUTO");
    assertThat(Settings.timeScale()).isBetween(1.0, Settings.MAX_AUTO_SCALE);
  }

  @Test
  void aBadValueIsRefusedNamingIt() {
    System.setProperty(Settings.TIME_SCALE, "0");
    assertThatThrownBy(Settings::timeScale).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("registrykit.time.scale must be a positive number such as 2.0, or auto, but was: \"0\"");
    System.setProperty(Settings.TIME_SCALE, "fast");
    assertThatThrownBy(Settings::timeScale).hasMessageEndingWith("but was: \"fast\"");
  }
}
