package dev.registrykit.it;

import static dev.registrykit.junit.RegistryAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import dev.registrykit.Registration;
import dev.registrykit.Registry;
import dev.registrykit.RegistryUnavailableException;
import dev.registrykit.ServiceInstance;
import dev.registrykit.junit.EtcdRegistryTest;
import dev.registrykit.junit.RecordingListener;
import dev.registrykit.junit.BackendControls;
import dev.registrykit.junit.RegistryTime;
import dev.registrykit.junit.contract.RegistryContract;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The contract on a real etcd. The shared etcd will do: the outage test cuts only the registry's
 * own connection (through a proxy), and etcd runs on for everyone else.
 */
@EtcdRegistryTest
class EtcdRegistryContractTest extends RegistryContract {

  /** How much earlier than its TTL a key may seem to go: the clocks of the JVM and etcd's container. */
  private static final long EARLY_TOLERANCE_MILLIS = 100; // time: load-free (clock skew under a lower bound: load only makes the expiry later)

  /**
   * Pins a documented difference: etcd removes an expired key at a check of its lessor (about every
   * 500 ms) after the TTL, within the margin, and never before the TTL: the lease is granted during
   * {@code register}, so the time is measured from before it.
   */
  @Test
  void differenceEtcdExpiresWithinTheMarginAfterTheTtl(Registry registry, RegistryTime time) {
    long beforeRegister = System.nanoTime();
    Registration registration = registry.register(ServiceInstance.of("orders", "i-1", "http://h:1"), SHORT_TTL);
    long crashed = System.nanoTime();
    time.crash(registration);
    time.awaitExpiry(registration);
    long gone = System.nanoTime();
    long sinceRegister = (gone - beforeRegister) / 1_000_000;
    long sinceCrash = (gone - crashed) / 1_000_000;

    System.out.println("etcd expiry of a " + registration.ttl().toMillis() + " ms lease: gone " + sinceRegister
        + " ms after register began, " + sinceCrash + " ms after the crash");
    assertThat(time.expiryMargin()).isPositive();
    assertThat(registration.ttl()).isEqualTo(SHORT_TTL);
    assertThat(sinceRegister).as("ms from before register until the key was gone, TTL %s", registration.ttl())
        .isGreaterThanOrEqualTo(registration.ttl().toMillis() - EARLY_TOLERANCE_MILLIS);
    assertThat(sinceCrash).as("ms from the crash until the key was gone, TTL %s", registration.ttl())
        .isLessThanOrEqualTo(registration.ttl().plus(time.expiryMargin()).toMillis());
  }

  /** Pins a documented difference: an outage on etcd fails a call after the call timeout, not at once. */
  @Test
  void differenceAnOutageFailsAfterTheCallTimeout(Registry registry, BackendControls backend) {
    backend.makeUnavailable();
    long start = System.nanoTime();
    try {
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> registry.instances("orders"))
          .isInstanceOf(RegistryUnavailableException.class);
    } finally {
      backend.heal();
    }
    // the injected registry's call timeout is 2 s times the scale, which is at least 1 under auto
    assertThat((System.nanoTime() - start) / 1_000_000).isGreaterThanOrEqualTo(1_500); // time: load-free (a lower bound: load only lengthens the wait)
  }

  /**
   * Pins a documented difference: etcd's revision is the whole cluster's, so a write outside the
   * registry's namespace (by another program, here the raw client) moves the revision of the
   * registry's next event; on the fake, revisions count the writes to its own store only.
   */
  @Test
  void differenceRevisionsAreTheWholeEtcds(Registry registry, Client client, RegistryTime time) throws Exception {
    RecordingListener events = new RecordingListener();
    registry.watch("orders", events);
    registry.register(ServiceInstance.of("orders", "i-1", "http://h:1"), LONG_TTL);
    time.eventually(() -> assertThat(events).hasEventCount(1));

    client.getKVClient().put(ByteSequence.from("/registrykit-difference/" + UUID.randomUUID(), StandardCharsets.UTF_8),
        ByteSequence.from("not the registry's", StandardCharsets.UTF_8)).get(Bounds.answerNanos(), TimeUnit.NANOSECONDS);
    registry.register(ServiceInstance.of("orders", "i-2", "http://h:2"), LONG_TTL);

    time.eventually(() -> assertThat(events).hasEventCount(2));
    long first = events.events().get(0).revision();
    long second = events.events().get(1).revision();
    assertThat(second - first).as("revisions between two registrations with a write elsewhere in etcd between "
        + "them: %s then %s", first, second).isGreaterThanOrEqualTo(2);
  }
}
