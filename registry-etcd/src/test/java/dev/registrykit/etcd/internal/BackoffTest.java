package dev.registrykit.etcd.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The pauses of every background retry loop: doubling, capped, jittered in the upper half, reset on success. */
class BackoffTest {

  @Test
  void pausesDoubleFromTheFirstUpToTheMaxEachInItsUpperHalf() {
    Backoff backoff = new Backoff(Duration.ofMillis(200), Duration.ofSeconds(5));
    long[] ceilings = {200, 400, 800, 1600, 3200, 5000, 5000, 5000};
    for (long ceiling : ceilings) {
      Duration pause = backoff.next();
      assertThat(pause).as("pause %d", backoff.attempts())
          .isBetween(Duration.ofMillis(ceiling / 2), Duration.ofMillis(ceiling));
    }
    assertThat(backoff.attempts()).isEqualTo(ceilings.length);
  }

  @Test
  void manyAttemptsStayAtTheMaxAndAResetStartsAgain() {
    Backoff backoff = new Backoff(Duration.ofMillis(20), Duration.ofMillis(500));
    for (int i = 0; i < 100; i++) {
      backoff.next();
    }
    assertThat(backoff.next()).isBetween(Duration.ofMillis(250), Duration.ofMillis(500));
    backoff.reset();
    assertThat(backoff.attempts()).isZero();
    assertThat(backoff.next()).isBetween(Duration.ofMillis(10), Duration.ofMillis(20));
  }

  @Test
  void pausesAreJittered() {
    Backoff backoff = new Backoff(Duration.ofSeconds(4), Duration.ofSeconds(4));
    java.util.Set<Duration> seen = new java.util.HashSet<>();
    for (int i = 0; i < 20; i++) {
      seen.add(backoff.next());
    }
    assertThat(seen).as("20 draws from 2-4 s").hasSizeGreaterThan(1);
  }

  @Test
  void refusesAMaxBelowTheFirst() {
    assertThatThrownBy(() -> new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("PT2S").hasMessageContaining("PT1S");
  }
}
