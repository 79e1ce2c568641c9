package dev.registrykit.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CloseOrderTest {

  private final List<String> steps = new ArrayList<>();

  private Runnable step(String name) {
    return () -> steps.add(name);
  }

  private Runnable failing(String name) {
    return () -> {
      steps.add(name);
      throw new IllegalStateException(name + " failed");
    };
  }

  @Test
  void watchesThenRegistrationsThenElectionsThenThreads() {
    CloseOrder.close(step("watches"), step("registrations"), step("elections"), step("threads"));

    assertThat(steps).containsExactly("watches", "registrations", "elections", "threads");
  }

  @Test
  void aFailingStepStopsNoLaterStepAndTheFirstFailureIsThrownWithTheOthersSuppressed() {
    assertThatThrownBy(() -> CloseOrder.close(failing("watches"), step("registrations"), failing("elections"),
        step("threads")))
        .isInstanceOf(IllegalStateException.class).hasMessage("watches failed")
        .satisfies(e -> assertThat(e.getSuppressed()).singleElement().extracting(Throwable::getMessage)
            .isEqualTo("elections failed"));

    assertThat(steps).containsExactly("watches", "registrations", "elections", "threads");
  }
}
