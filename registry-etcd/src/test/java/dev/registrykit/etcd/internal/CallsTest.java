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

  // every attempt is a completed future: the answer does not depend on how much of the timeout load eats
  private final Calls calls = new Calls(Duration.ofSeconds(2), "[http://127.0.0.1:2379]"); // time: load-free (attempts complete at once; the outcome is the same whenever the timeout ends)

  @Test
  void aCallThatCannotConnectForTlsFailsAtOnceSayingWhyAndAsPermanent() {
    String problem = "TLS with etcd at https://127.0.0.1:2379 failed: etcd's certificate is not signed by the CA";
    int[] asked = new int[1];
    // time: load-free (a timeout this test expects not to reach: the call ends at the first question)
    Calls tls = new Calls(Duration.ofSeconds(30), "[https://127.0.0.1:2379]", "/services", () -> { }, () -> {
      asked[0]++;
      return java.util.Optional.of(problem);
    });
    CompletableFuture<String> unanswered = new CompletableFuture<>();

    Throwable failure = org.assertj.core.api.Assertions.catchThrowable(() -> tls.call(() -> unanswered, "register orders/a"));

    assertThat(failure).isExactlyInstanceOf(RegistryException.class).hasMessage("register orders/a failed: " + problem)
        .hasCauseInstanceOf(javax.net.ssl.SSLException.class);
    assertThat(Calls.isPermanent(failure)).as("retry loops stop on it").isTrue();
    assertThat(asked[0]).as("asked once, after the first wait").isEqualTo(1);
    assertThat(unanswered).isCancelled();
  }

  @Test
  void aCallAnsweredBeforeTheFirstQuestionNeverAsksAboutTls() {
    int[] asked = new int[1];
    Calls tls = new Calls(Duration.ofSeconds(2), "[https://127.0.0.1:2379]", "/services", () -> { }, () -> {
      asked[0]++;
      return java.util.Optional.empty();
    });

    assertThat(tls.call(() -> CompletableFuture.completedFuture("answer"), "get /services/orders/*")).isEqualTo("answer");
    assertThat(asked[0]).isZero();
  }

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

  @Test
  void aRefusedKeyIsNamedWithThePrefixToGrantAndNotTriedAgain() {
    Calls named = new Calls(Duration.ofSeconds(2), "[http://127.0.0.1:2379]", "/services", () -> { }); // time: load-free (a refused attempt is not tried again: the timeout never runs out)
    int[] made = new int[1];
    Supplier<CompletableFuture<String>> attempts = () -> {
      made[0]++;
      return CompletableFuture.failedFuture(
          Status.PERMISSION_DENIED.withDescription("etcdserver: permission denied").asRuntimeException());
    };

    assertThatThrownBy(() -> named.call(attempts, "campaign i-1 in x (put)", "/services-elections/x/694d7a"))
        .isExactlyInstanceOf(RegistryException.class)
        .hasMessage("campaign i-1 in x (put) failed: etcd refused access to /services-elections/x/694d7a "
            + "(PERMISSION_DENIED: etcdserver: permission denied): the user's role needs readwrite on the prefix "
            + "/services-elections/ (etcdctl role grant-permission <role> readwrite --prefix=true /services-elections/; "
            + "docs/etcd-permissions.md lists the prefixes each feature uses)");
    assertThatThrownBy(() -> named.call(attempts, "register /services/orders/a (put)", "/services/orders/a"))
        .hasMessageContaining("readwrite on the prefix /services/ (");
    assertThat(made[0]).isEqualTo(2);
  }

  @Test
  void refusalsRetryingCannotFixArePermanentAndTokenAndConnectionTroublesAreNot() {
    assertThat(Calls.isPermanent(Status.PERMISSION_DENIED.asRuntimeException())).isTrue();
    assertThat(Calls.isPermanent(Status.INVALID_ARGUMENT
        .withDescription("etcdserver: authentication failed, invalid user ID or password").asRuntimeException())).isTrue();
    assertThat(Calls.isPermanent(Status.UNAUTHENTICATED.withDescription("etcdserver: user name is empty")
        .asRuntimeException())).isTrue();
    assertThat(Calls.isPermanent(Status.UNAVAILABLE.withCause(new javax.net.ssl.SSLHandshakeException("unknown ca"))
        .asRuntimeException())).isTrue();

    assertThat(Calls.isPermanent(Status.UNAUTHENTICATED.withDescription("etcdserver: invalid auth token")
        .asRuntimeException())).isFalse();
    assertThat(Calls.isPermanent(Status.INVALID_ARGUMENT.withDescription("etcdserver: revision of auth store is old")
        .asRuntimeException())).isFalse();
    assertThat(Calls.isPermanent(Status.CANCELLED.withDescription("etcdserver: permission denied")
        .asRuntimeException())).as("a watch refused: an expired token on etcd 3.4, a listing tells").isFalse();
    assertThat(Calls.isPermanent(Status.UNAVAILABLE.asRuntimeException())).isFalse();
    assertThat(Calls.isPermanent(new java.util.concurrent.TimeoutException())).isFalse();
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
