package dev.registrykit.etcd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.registrykit.RegistryException;
import dev.registrykit.ServiceInstance;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A call from an interrupted thread fails at once and leaves the interrupt flag set. No etcd is
 * needed: the endpoint is a loopback port that was bound and closed again, so nothing answers, and
 * the call timeout is long enough that only the interrupt can end the call early.
 */
class EtcdRegistryInterruptTest {

  private EtcdRegistry registry;

  @BeforeEach
  void registryOnAPortNobodyListensOn() throws IOException {
    int port;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      port = socket.getLocalPort();
    }
    registry = EtcdRegistry.builder().withEndpoints("http://127.0.0.1:" + port)
        .withCallTimeout(Duration.ofSeconds(20)).build(); // time: load-free (a floor, not a bound: only the interrupt may end the call; the test never waits for it)
  }

  @AfterEach
  void close() {
    Thread.interrupted(); // whatever a failed assertion left, so that close() waits for its threads
    registry.close();
  }

  @Test
  void anInterruptedListingFailsAndKeepsTheInterruptFlag() {
    Interrupted call = callInterrupted(() -> registry.instances("orders"));

    assertThat(call.flagAfterwards).as("the interrupt flag after instances()").isTrue();
    assertThat(call.thrown).isExactlyInstanceOf(RegistryException.class)
        .hasMessage("instances (get /services/orders/*) was interrupted")
        .hasCauseInstanceOf(InterruptedException.class);
  }

  @Test
  void anInterruptedRegistrationFailsAndKeepsTheInterruptFlag() {
    Interrupted call = callInterrupted(
        () -> registry.register(ServiceInstance.of("orders", "i-1", "http://10.0.0.1:5000"), Duration.ofSeconds(30)));

    assertThat(call.flagAfterwards).as("the interrupt flag after register()").isTrue();
    assertThat(call.thrown).isExactlyInstanceOf(RegistryException.class)
        .hasMessage("register /services/orders/i-1 (lease grant) was interrupted")
        .hasCauseInstanceOf(InterruptedException.class);
  }

  private record Interrupted(Throwable thrown, boolean flagAfterwards) {
  }

  /** Runs {@code call} on this thread with its interrupt flag set; clears the flag afterwards. */
  private static Interrupted callInterrupted(ThrowingCallable call) {
    Thread.currentThread().interrupt();
    Throwable thrown = catchThrowable(call);
    return new Interrupted(thrown, Thread.interrupted());
  }
}
