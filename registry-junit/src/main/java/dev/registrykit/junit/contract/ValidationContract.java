package dev.registrykit.junit.contract;

import static dev.registrykit.junit.RegistryAssertions.assertThat;
import static dev.registrykit.junit.contract.ContractSupport.LONG_TTL;
import static dev.registrykit.junit.contract.ContractSupport.ORDERS_1;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.registrykit.Candidacy;
import dev.registrykit.Election;
import dev.registrykit.Registration;
import dev.registrykit.Registry;
import dev.registrykit.junit.RegistryTime;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Bad input is refused at the call site, with a message naming the bad value, and nothing is
 * half-written; TTLs above etcd's maximum are refused and the longest it grants is granted.
 *
 * <p>A part of {@link RegistryContract}, which runs every part; a test class that implements this
 * part alone, annotated with the extension that supplies the registry, runs these tests alone.
 */
public interface ValidationContract {

  // ------------------------------------------------------------------------------ bad input

  @Test
  default void rejectsBadInputAtTheCallSite(Registry registry) {
    assertThatThrownBy(() -> registry.register(ORDERS_1, Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("ttl must be positive but was: PT0S");
    assertThatThrownBy(() -> registry.register(ORDERS_1, Duration.ofMillis(1500)))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("ttl must be a whole number of seconds but was: PT1.5S");
    assertThatThrownBy(() -> registry.register(ORDERS_1, null))
        .isInstanceOf(NullPointerException.class).hasMessage("ttl must not be null");
    assertThatThrownBy(() -> registry.register(null, LONG_TTL))
        .isInstanceOf(NullPointerException.class).hasMessage("instance must not be null");
    assertThatThrownBy(() -> registry.instances("orders/v2"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("serviceName must match [A-Za-z0-9._-]{1,128} but was: \"orders/v2\"");
    assertThatThrownBy(() -> registry.watch("orders", null))
        .isInstanceOf(NullPointerException.class).hasMessage("listener must not be null");
    assertThatThrownBy(() -> registry.watchAll(null))
        .isInstanceOf(NullPointerException.class).hasMessage("listener must not be null");
    assertThat(registry.allInstances()).as("nothing half-written").isEmpty();
  }

  // ------------------------------------------------------------------------------ TTL limits

  @Test
  default void rejectsATtlAboveEtcdsMaximumAtTheCallSite(Registry registry) {
    Election election = registry.election("migrations");
    for (Duration tooLong : List.of(Duration.ofSeconds(9_000_000_001L), Duration.ofDays(300 * 365L),
        Duration.ofSeconds(Long.MAX_VALUE))) {
      String message = "ttl must be at most PT2500000H (9000000000 s, etcd's maximum lease TTL) but was: " + tooLong;
      assertThatThrownBy(() -> registry.register(ORDERS_1, tooLong))
          .isInstanceOf(IllegalArgumentException.class).hasMessage(message);
      assertThatThrownBy(() -> election.campaign("a", tooLong))
          .isInstanceOf(IllegalArgumentException.class).hasMessage(message);
    }
    assertThat(registry.allInstances()).as("nothing half-written").isEmpty();
    assertThat(election.leader()).as("no candidate half-made").isEmpty();
  }

  @Test
  default void theLongestTtlEtcdGrantsIsGranted(Registry registry, RegistryTime time) {
    Duration longest = Duration.ofSeconds(9_000_000_000L);

    Registration registration = registry.register(ORDERS_1, longest);
    Candidacy candidacy = registry.election("migrations").campaign("a", longest);

    assertThat(registration.ttl()).isEqualTo(longest);
    assertThat(registration).isActive();
    assertThat(registry.instances("orders")).containsExactly(ORDERS_1);
    assertThat(candidacy.ttl()).isEqualTo(longest);
    time.eventually(() -> assertThat(candidacy).isLeading());
    registration.close();
    candidacy.close();
    assertThat(registry.instances("orders")).isEmpty();
  }
}
