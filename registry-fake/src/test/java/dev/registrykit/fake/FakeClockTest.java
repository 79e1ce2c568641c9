package dev.registrykit.fake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class FakeClockTest {

  private final FakeClock clock = FakeClock.create();

  @Test
  void startsAtTheDefaultInstantAndMovesOnlyWhenTold() {
    assertThat(clock.instant()).isEqualTo(FakeClock.DEFAULT_START);
    clock.advance(Duration.ofMillis(1500));
    assertThat(clock.millis()).isEqualTo(FakeClock.DEFAULT_START.toEpochMilli() + 1500);
    clock.set(Instant.parse("2027-01-01T00:00:00Z"));
    assertThat(clock.instant()).isEqualTo(Instant.parse("2027-01-01T00:00:00Z"));
  }

  @Test
  void neverMovesBackwards() {
    assertThatThrownBy(() -> clock.advance(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("duration must not be negative but was: PT-1S (a FakeClock only moves forward)");
    assertThatThrownBy(() -> clock.set(FakeClock.DEFAULT_START.minusSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("instant must not be before now (2026-01-01T00:00:00Z) but was: 2025-12-31T23:59:59Z"
            + " (a FakeClock only moves forward)");
    assertThatThrownBy(() -> clock.advance(null)).isInstanceOf(NullPointerException.class);
  }

  @Test
  void runsDueTasksInDueOrderThenSchedulingOrderAtTheirDueTime() {
    List<String> ran = new ArrayList<>();
    Instant start = clock.instant();
    clock.schedule(start.plusSeconds(2), () -> ran.add("b@" + clock.instant()));
    clock.schedule(start.plusSeconds(1), () -> ran.add("a@" + clock.instant()));
    clock.schedule(start.plusSeconds(2), () -> ran.add("c@" + clock.instant()));
    clock.schedule(start.plusSeconds(9), () -> ran.add("late"));

    clock.advance(Duration.ofSeconds(5));

    assertThat(ran).containsExactly(
        "a@2026-01-01T00:00:01Z", "b@2026-01-01T00:00:02Z", "c@2026-01-01T00:00:02Z");
    assertThat(clock.instant()).isEqualTo(start.plusSeconds(5));
    assertThat(clock.pendingTimers()).isEqualTo(1);
  }

  @Test
  void aTaskMayScheduleAnotherThatFallsDueInTheSameAdvance() {
    List<Instant> ticks = new ArrayList<>();
    Runnable[] tick = new Runnable[1];
    tick[0] = () -> {
      ticks.add(clock.instant());
      clock.schedule(clock.instant().plusSeconds(10), tick[0]);
    };
    clock.schedule(clock.instant().plusSeconds(10), tick[0]);

    clock.advance(Duration.ofSeconds(35));

    assertThat(ticks).hasSize(3);
  }

  @Test
  void aTaskThatAdvancesTheClockItselfNeverMakesTimeGoBack() {
    List<Instant> seen = new ArrayList<>();
    Instant start = clock.instant();
    clock.schedule(start.plusSeconds(5), () -> clock.advance(Duration.ofSeconds(20))); // to 25 s
    clock.schedule(start.plusSeconds(8), () -> seen.add(clock.instant()));

    clock.advance(Duration.ofSeconds(10));

    assertThat(seen).containsExactly(start.plusSeconds(8));
    assertThat(clock.instant()).isEqualTo(start.plusSeconds(25));
  }

  @Test
  void cancelledTasksDoNotRun() {
    List<String> ran = new ArrayList<>();
    FakeClock.Timer timer = clock.schedule(clock.instant().plusSeconds(1), () -> ran.add("x"));
    timer.cancel();
    clock.advance(Duration.ofSeconds(2));
    assertThat(ran).isEmpty();
  }

  @Test
  void aZonedViewMovesWithTheClock() {
    var zoned = clock.withZone(ZoneId.of("Europe/Berlin"));
    clock.advance(Duration.ofHours(1));
    assertThat(zoned.instant()).isEqualTo(clock.instant());
    assertThat(zoned.getZone()).isEqualTo(ZoneId.of("Europe/Berlin"));
  }

  @Test
  void cancelledTimersDoNotPileUpWhileTheClockStandsStill() {
    FakeRegistry registry = FakeRegistry.builder().withClock(clock).build();
    for (int i = 0; i < 10_000; i++) {
      registry.register(dev.registrykit.ServiceInstance.of("churn", "i-1", "http://h:1"), Duration.ofSeconds(30)).close();
    }
    assertThat(clock.queuedTimers()).as("timers held after 10,000 register/close").isLessThan(1_000);
  }

  @Test
  void anAdvancePastTheLastInstantIsRefusedNamingTheLimit() {
    assertThatThrownBy(() -> clock.advance(Duration.ofSeconds(Long.MAX_VALUE)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("duration must not move the clock past " + Instant.MAX + " but was: PT2562047788015215H30M7S");
    assertThatThrownBy(() -> clock.advance(Duration.between(Instant.EPOCH, Instant.MAX)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(clock.instant()).as("unmoved").isEqualTo(FakeClock.DEFAULT_START);
    clock.advance(Duration.ofDays(365L * 1000));
    assertThat(clock.instant()).isEqualTo(FakeClock.DEFAULT_START.plus(Duration.ofDays(365L * 1000)));
  }
}
