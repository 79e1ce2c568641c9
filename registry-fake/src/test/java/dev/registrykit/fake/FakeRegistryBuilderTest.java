package dev.registrykit.fake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.registrykit.Recovery;
import dev.registrykit.Registration;
import dev.registrykit.RegistrationState;
import dev.registrykit.Registry;
import dev.registrykit.RegistryEvent;
import dev.registrykit.ServiceInstance;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class FakeRegistryBuilderTest {

  @Test
  void defaultsAreEtcdsAndTheOrigins() {
    FakeRegistry registry = FakeRegistry.create();

    assertThat(registry.minimumTtl()).isEqualTo(Duration.ofSeconds(2));
    assertThat(registry.defaultTtl()).isEqualTo(Registry.DEFAULT_TTL).isEqualTo(Duration.ofSeconds(30));
    assertThat(registry.namespace()).isEqualTo("/services");
    assertThat(registry.clock().instant()).isEqualTo(FakeClock.DEFAULT_START);
    assertThat(registry.revision()).isEqualTo(1);
    assertThat(FakeRegistry.create().clock()).as("a fresh clock each").isNotSameAs(registry.clock());
  }

  @Test
  void everySettingIsApplied() {
    FakeClock clock = FakeClock.create();
    FakeRegistry registry = FakeRegistry.builder()
        .withClock(clock)
        .withMinimumTtl(Duration.ofSeconds(5))
        .withDefaultTtl(Duration.ofSeconds(10))
        .withNamespace("/tenants/a")
        .withRecovery(Recovery.disabled())
        .withHistoryLimit(10)
        .build();

    assertThat(registry.clock()).isSameAs(clock);
    assertThat(registry.minimumTtl()).isEqualTo(Duration.ofSeconds(5));
    assertThat(registry.register(ServiceInstance.of("orders", "i-1", "http://h:1"), Duration.ofSeconds(3)).ttl())
        .isEqualTo(Duration.ofSeconds(5));
    assertThat(registry.register(ServiceInstance.of("orders", "i-2", "http://h:2")).ttl())
        .isEqualTo(Duration.ofSeconds(10));
    registry.putRaw("/tenants/a/orders/i-3", "{\"Id\":\"i-3\",\"Name\":\"orders\",\"Address\":\"http://h:3\"}");
    assertThat(registry.instances("orders")).hasSize(3);

    Registration lost = registry.register(ServiceInstance.of("orders", "i-4", "http://h:4"), Duration.ofSeconds(5));
    registry.loseLease(lost);
    clock.advance(Duration.ofSeconds(60)); // many keep-alive ticks, each of which could register it again
    assertThat(lost.state()).as("recovery NONE: a lost registration stays lost").isEqualTo(RegistrationState.LOST);
    assertThat(registry.instances("orders")).hasSize(3);

    for (int i = 0; i < 12; i++) {
      registry.putRaw("/tenants/a/history/h-" + i, "{\"Id\":\"h-" + i + "\",\"Name\":\"history\",\"Address\":\"http://h:9\"}");
    }
    assertThat(registry.history()).as("history limit 10: the last ten events").hasSize(10)
        .last().isEqualTo(new RegistryEvent.Added(ServiceInstance.of("history", "h-11", "http://h:9"), registry.revision()));
  }

  @Test
  void aDefaultTtlBelowTheMinimumIsGrantedTheMinimum() {
    FakeRegistry registry = FakeRegistry.builder().withDefaultTtl(Duration.ofSeconds(1)).build();

    assertThat(registry.register(ServiceInstance.of("orders", "i-1", "http://h:1")).ttl())
        .isEqualTo(Duration.ofSeconds(2));
  }

  @Test
  void badSettingsAreRejectedNamingTheSettingAndTheValue() {
    FakeRegistry.Builder builder = FakeRegistry.builder();

    assertThatThrownBy(() -> builder.withMinimumTtl(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("minimumTtl must be a positive whole number of seconds but was: PT0S");
    assertThatThrownBy(() -> builder.withMinimumTtl(Duration.ofMillis(1500)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("minimumTtl must be a positive whole number of seconds but was: PT1.5S");
    assertThatThrownBy(() -> builder.withDefaultTtl(Duration.ofSeconds(-30)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("defaultTtl must be a positive whole number of seconds but was: PT-30S");
    assertThatThrownBy(() -> builder.withNamespace("/services/"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("namespace must be segments of [A-Za-z0-9._-]{1,128} separated by '/', with or without a leading '/' "
            + "and no trailing '/', such as /services or services, but was: \"/services/\"");
    assertThatThrownBy(() -> builder.withHistoryLimit(-1))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("historyLimit must be positive but was: -1");
    assertThatThrownBy(() -> builder.withClock(null))
        .isInstanceOf(NullPointerException.class).hasMessage("clock must not be null");
    assertThatThrownBy(() -> builder.withMinimumTtl(null))
        .isInstanceOf(NullPointerException.class).hasMessage("minimumTtl must not be null");
    assertThatThrownBy(() -> builder.withRecovery(null))
        .isInstanceOf(NullPointerException.class).hasMessage("recovery must not be null");
    assertThatThrownBy(() -> builder.withInvalidEntryListener(null))
        .isInstanceOf(NullPointerException.class).hasMessage("invalidEntryListener must not be null");

    FakeRegistry stillDefault = builder.build();
    assertThat(stillDefault.minimumTtl()).as("a rejected value leaves the setting as it was")
        .isEqualTo(Duration.ofSeconds(2));
  }
}
