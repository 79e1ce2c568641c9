package dev.registrykit.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.registrykit.Registry;
import dev.registrykit.RegistryUnavailableException;
import dev.registrykit.ServiceInstance;
import dev.registrykit.junit.EtcdLifecycle;
import dev.registrykit.junit.EtcdRegistryTest;
import dev.registrykit.junit.RegistryBackend;
import dev.registrykit.junit.RegistryTime;
import dev.registrykit.junit.contract.RegistryContract;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The contract on a real etcd; PER_CLASS because the outage test pauses it. */
@EtcdRegistryTest(lifecycle = EtcdLifecycle.PER_CLASS)
class EtcdRegistryContractTest extends RegistryContract {

  /** Pins a documented difference: etcd removes an expired key some time after its TTL, within the margin. */
  @Test
  void differenceEtcdExpiresWithinTheMarginAfterTheTtl(Registry registry, RegistryTime time) {
    var registration = registry.register(ServiceInstance.of("orders", "i-1", "http://h:1"), Duration.ofSeconds(1));
    long start = System.nanoTime();
    time.crash(registration);
    time.awaitExpiry(registration);
    long millis = (System.nanoTime() - start) / 1_000_000;

    assertThat(time.expiryMargin()).isPositive();
    assertThat(millis).isBetween(500L, 1000 + time.expiryMargin().toMillis());
  }

  /** Pins a documented difference: an outage on etcd fails a call after the call timeout, not at once. */
  @Test
  void differenceAnOutageFailsAfterTheCallTimeout(Registry registry, RegistryBackend backend) {
    backend.makeUnavailable();
    long start = System.nanoTime();
    try {
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> registry.instances("orders"))
          .isInstanceOf(RegistryUnavailableException.class);
    } finally {
      backend.heal();
    }
    assertThat((System.nanoTime() - start) / 1_000_000).isGreaterThanOrEqualTo(1_500);
  }
}
