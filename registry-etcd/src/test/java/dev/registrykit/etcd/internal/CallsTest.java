package dev.registrykit.etcd.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.registrykit.RegistryException;
import dev.registrykit.RegistryUnavailableException;
import io.grpc.Status;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** Which failures {@link Calls#call} tries again and which it gives up on at once; no etcd needed. */
class CallsTest {

  private final Calls calls = new Calls(Duration.ofSeconds(2), "[http://127.0.0.1:2379]");

  @Test
  void aConnectionClosedUnderTheCallIsTriedAgain() {
    Supplier<CompletableFuture<String>> attempts = attempts(
        Status.UNKNOWN.withDescription("channel closed").asRuntimeException(),
        Status.UNAVAILABLE.withDescription("io exception").asRuntimeException(),
        null);

    assertThat(calls.call(attempts, "get /services/orders/*")).isEqualTo("answer 3");
  }

  @Test
  void anotherUnknownFailureIsNotTriedAgain() {
    int[] made = new int[1];
    Supplier<CompletableFuture<String>> attempts = () -> {
      made[0]++;
      return CompletableFuture.failedFuture(Status.UNKNOWN.withDescription("mvcc: bad request").asRuntimeException());
    };

    assertThatThrownBy(() -> calls.call(attempts, "get /services/orders/*"))
        .isExactlyInstanceOf(RegistryException.class)
        .hasMessageStartingWith("get /services/orders/* failed: io.grpc.StatusRuntimeException: UNKNOWN: mvcc: bad request");
    assertThat(made[0]).isEqualTo(1);
  }

  @Test
  void connectionsClosedForTheWholeTimeoutMakeTheRegistryUnavailable() {
    Supplier<CompletableFuture<String>> attempts = () ->
        CompletableFuture.failedFuture(Status.UNKNOWN.withDescription("channel closed").asRuntimeException());

    assertThatThrownBy(() -> calls.call(attempts, "get /services/orders/*"))
        .isExactlyInstanceOf(RegistryUnavailableException.class)
        .hasMessageStartingWith("get /services/orders/* failed: etcd at [http://127.0.0.1:2379] is unavailable "
            + "(UNKNOWN: channel closed; ");
  }

  /** Attempts failing with {@code failures} in turn; a null one answers "answer n" for the n-th attempt. */
  private static Supplier<CompletableFuture<String>> attempts(RuntimeException... failures) {
    int[] made = new int[1];
    List<RuntimeException> all = Arrays.asList(failures);
    return () -> {
      RuntimeException failure = all.get(made[0]++);
      return failure == null ? CompletableFuture.completedFuture("answer " + made[0]) : CompletableFuture.failedFuture(failure);
    };
  }
}
