package dev.registrykit.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class LiveRegistrationsTest {

  private final LiveRegistrations<String> live = new LiveRegistrations<>();

  @Test
  void aNewKeyReplacesNothing() {
    assertThat(live.add("/services/orders/a", "first")).isEmpty();
    assertThat(live.oldestFirst()).containsExactly("first");
  }

  @Test
  void registeringTheSameKeyAgainReturnsTheOneToRetireAndKeepsBothOpenUntilForgotten() {
    live.add("/services/orders/a", "first");
    live.add("/services/orders/b", "other");

    assertThat(live.add("/services/orders/a", "second")).contains("first");
    assertThat(live.oldestFirst()).containsExactly("first", "other", "second");

    live.forget("/services/orders/a", "first");
    assertThat(live.oldestFirst()).containsExactly("other", "second");
    assertThat(live.add("/services/orders/a", "third")).as("second is still the key's live one").contains("second");
  }

  @Test
  void forgettingAReplacedRegistrationLeavesTheKeysLiveOne() {
    live.add("/services/orders/a", "first");
    live.add("/services/orders/a", "second");

    live.forget("/services/orders/a", "first");

    assertThat(live.add("/services/orders/a", "third")).contains("second");
  }

  @Test
  void oldestFirstIsACopy() {
    live.add("/k", "first");
    var snapshot = live.oldestFirst();
    live.forget("/k", "first");
    assertThat(snapshot).containsExactly("first");
    assertThat(live.oldestFirst()).isEmpty();
  }

  @Test
  void nullsAreRefusedByName() {
    assertThatThrownBy(() -> live.add(null, "r")).isInstanceOf(NullPointerException.class)
        .hasMessage("key must not be null");
    assertThatThrownBy(() -> live.add("/k", null)).isInstanceOf(NullPointerException.class)
        .hasMessage("registration must not be null");
  }
}
