package dev.registrykit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class RegistryEventTest {

  private static final ServiceInstance ONE = ServiceInstance.of("orders", "i-1", "http://h:1");

  @Test
  void revisionsMustBePositive() {
    assertThatThrownBy(() -> new RegistryEvent.Added(ONE, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("revision must be positive but was: 0");
    assertThatThrownBy(() -> new RegistryEvent.Removed(ONE, -3))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("revision must be positive but was: -3");
  }

  @Test
  void instancesMustBePresent() {
    assertThatThrownBy(() -> new RegistryEvent.Added(null, 1)).hasMessage("instance must not be null");
    assertThatThrownBy(() -> new RegistryEvent.Updated(ONE, null, 1)).hasMessage("previous must not be null");
  }

  @Test
  void eventsAreSealedToThreeKinds() {
    assertThat(RegistryEvent.class.getPermittedSubclasses())
        .containsExactlyInAnyOrder(RegistryEvent.Added.class, RegistryEvent.Updated.class, RegistryEvent.Removed.class);
  }

  @Test
  void updatedCarriesBothVersions() {
    ServiceInstance moved = ONE.withAddress("http://h:2");
    RegistryEvent event = new RegistryEvent.Updated(moved, ONE, 7);

    assertThat(event.instance()).isEqualTo(moved);
    assertThat(((RegistryEvent.Updated) event).previous()).isEqualTo(ONE);
    assertThat(event.revision()).isEqualTo(7);
  }
}
