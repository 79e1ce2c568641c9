package dev.registrykit.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.registrykit.CacheState;
import dev.registrykit.Election;
import dev.registrykit.Registration;
import dev.registrykit.RegistrationState;
import dev.registrykit.RegistryEvent;
import dev.registrykit.RegistryException;
import dev.registrykit.RegistryListener;
import dev.registrykit.ServiceCache;
import dev.registrykit.ServiceInstance;
import dev.registrykit.WatchState;
import dev.registrykit.etcd.EtcdRegistry;
import dev.registrykit.etcd.internal.EtcdTestAccess;
import dev.registrykit.junit.TimeScale;
import io.etcd.jetcd.Auth;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.auth.Permission;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.awaitility.core.ThrowingRunnable;
import org.junit.jupiter.api.Test;

/**
 * No retry loop of {@code EtcdRegistry} floods etcd under an error that retrying cannot fix: on an etcd
 * with auth on, a user whose role lacks a grant (or is revoked, or deleted) makes each loop fail for
 * good, and the test counts the gRPC calls etcd receives in the 10 s after the caller was told, from
 * etcd's own counters ({@code grpc_server_started_total} in {@code /metrics}). Every loop stops: at
 * most {@link #BOUND} calls in those 10 s (RELIABILITY.md, "Permanent errors").
 *
 * <p>Before the fix, an election whose campaign was refused went on watching its prefix with no
 * backoff until {@code close()}: 700+ calls in 10 s (re-authenticating before each), growing.
 */
class EtcdRetryBoundsIntegrationTest {

  /** The most calls any loop may make in the window once it met a permanent error and said so. */
  static final long BOUND = 5;
  private static final Duration WINDOW = Duration.ofSeconds(10);
  private static final String USER = "svc";
  private static final String PASSWORD = "svc-secret";
  private static final String ROOT_PASSWORD = "root-secret";
  private static final ServiceInstance A = ServiceInstance.of("orders", "a", "http://10.0.0.1:5000");

  @Test
  void anElectionWithoutItsGrantStopsCallingEtcdOnceItsCampaignFailed() throws Exception {
    try (EtcdWipeableEtcd etcd = securedEtcd(); EtcdRegistry registry = registryOfSvc(etcd)) {
      Registration granted = registry.register(A, Duration.ofSeconds(30));
      Set<Long> leasesBefore = leases(etcd);
      assertThat(leasesBefore).as("the lease listing works").contains(EtcdTestAccess.leaseId(registry, granted));
      Election election = registry.election("x");
      RegistryException failure = catchThrowableOfType(RegistryException.class,
          () -> election.campaign("i-1", Duration.ofSeconds(10)));

      EtcdCallCounts calls = callsInWindow(etcd);
      System.out.printf("retry bounds (election): %s after the campaign failed: %s%n", calls, failure);
      assertThat(calls.total()).as("calls in %s after the campaign failed: %s", WINDOW, calls).isLessThanOrEqualTo(BOUND);

      assertThat(failure).as("the campaign's failure").isNotNull();
      assertThat(failure.getMessage()).contains("PERMISSION_DENIED").contains("/services-elections/x/")
          .contains("grant").contains("/services-elections/");
      Set<Long> left = leases(etcd);
      left.removeAll(leasesBefore);
      if (!left.isEmpty()) {
        assertThat(failure.getMessage()).as("a lease left behind (%s) is said to be left to its TTL", left)
            .contains("left to its TTL");
      }
    }
  }

  @Test
  void aWatchAndACacheWhoseGrantWasRevokedTurnStaleAndStopCallingEtcd() throws Exception {
    try (EtcdWipeableEtcd etcd = securedEtcd(); EtcdRegistry registry = registryOfSvc(etcd)) {
      List<WatchState> states = new CopyOnWriteArrayList<>();
      registry.watch("orders", new RegistryListener() {
        @Override
        public void onEvent(RegistryEvent event) {
        }

        @Override
        public void onStateChange(WatchState state) {
          states.add(state);
        }
      });
      ServiceCache cache = registry.cache("orders");
      assertThat(cache.state()).isEqualTo(CacheState.CURRENT);

      revokeSvcGrant(etcd);
      etcd.restart(); // breaks the streams: each watch lists again, and is refused

      eventually(() -> {
        assertThat(states).as("watch states").endsWith(WatchState.STALE);
        assertThat(cache.state()).isEqualTo(CacheState.STALE);
      });
      // STALE is said when the stream breaks, before the listing that etcd refuses; the calls of that
      // sequence (a listing still meeting the restart is tried again) are not a retry loop: the window
      // opens once etcd has seen a quiet second, which a loop that kept calling would never give it
      settle(etcd);
      EtcdCallCounts calls = callsInWindow(etcd);
      System.out.printf("retry bounds (watch + cache): %s after both turned STALE%n", calls);
      assertThat(calls.total()).as("calls in %s after the watch and the cache turned STALE: %s", WINDOW, calls)
          .isLessThanOrEqualTo(2 * BOUND);
      assertThat(states).as("watch states").endsWith(WatchState.STALE);
      assertThat(cache.state()).isEqualTo(CacheState.STALE);
    }
  }

  @Test
  void aRegistrationWhoseGrantWasRevokedStaysLostAndStopsCallingEtcd() throws Exception {
    try (EtcdWipeableEtcd etcd = securedEtcd(); EtcdRegistry registry = registryOfSvc(etcd)) {
      Registration registration = registry.register(A, Duration.ofSeconds(3));
      List<String> changes = changesOf(registration);
      long lease = EtcdTestAccess.leaseId(registry, registration);

      revokeSvcGrant(etcd);
      try (Client root = rootClient(etcd)) {
        root.getLeaseClient().revoke(lease).get(Bounds.answerNanos(), TimeUnit.NANOSECONDS); // LOST at the next keep-alive
      }
      eventually(() -> assertThat(registration.state()).isEqualTo(RegistrationState.LOST));

      EtcdCallCounts calls = callsInWindow(etcd);
      System.out.printf("retry bounds (recovery): %s after LOST; states %s%n", calls, changes);
      assertThat(calls.total()).as("calls in %s after the registration turned LOST: %s", WINDOW, calls)
          .isLessThanOrEqualTo(BOUND);
      assertThat(registration.state()).isEqualTo(RegistrationState.LOST);
      assertThat(changes).containsExactly("ACTIVE->LOST");
    }
  }

  @Test
  void aRegistrationWhoseUserWasDeletedStopsKeepingAliveAndRecovering() throws Exception {
    try (EtcdWipeableEtcd etcd = securedEtcd(); EtcdRegistry registry = registryOfSvc(etcd)) {
      Registration registration = registry.register(A, Duration.ofSeconds(3));
      List<String> changes = changesOf(registration);

      EtcdCallCounts before = EtcdCallCounts.read(etcd.endpoint());
      try (Client root = rootClient(etcd)) {
        root.getAuthClient().userDelete(bytes(USER)).get(Bounds.answerNanos(), TimeUnit.NANOSECONDS);
        // etcd 3.5 refuses the next keep-alive for its token; 3.4 does not check a keep-alive's token,
        // so the lease goes too: keep-alive hears that it is gone, and recovery is refused
        root.getLeaseClient().revoke(EtcdTestAccess.leaseId(registry, registration)).get(Bounds.answerNanos(), TimeUnit.NANOSECONDS);
      }
      eventually(() -> assertThat(registration.state()).isEqualTo(RegistrationState.LOST));
      EtcdCallCounts keepAlive = EtcdCallCounts.read(etcd.endpoint()).since(before);

      EtcdCallCounts calls = callsInWindow(etcd);
      System.out.printf("retry bounds (keep-alive, user deleted): %s by root and the registry until LOST (TTL 3 s), "
          + "then %s; states %s%n",
          keepAlive, calls, changes);
      assertThat(keepAlive.total()).as("calls until LOST (root's 3 among them): %s", keepAlive)
          .isLessThanOrEqualTo(2 * BOUND);
      assertThat(calls.total()).as("calls in %s after the registration turned LOST: %s", WINDOW, calls)
          .isLessThanOrEqualTo(BOUND);
      assertThat(changes).containsExactly("ACTIVE->LOST");
    }
  }

  // ------------------------------------------------------------------------------ helpers

  /** An etcd with auth on: root, and {@code svc} with read-write on {@code /services/} only. */
  static EtcdWipeableEtcd securedEtcd() throws Exception {
    EtcdWipeableEtcd etcd = new EtcdWipeableEtcd();
    try (Client client = Client.builder().endpoints(etcd.endpoint()).build()) {
      Auth auth = client.getAuthClient();
      auth.userAdd(bytes("root"), bytes(ROOT_PASSWORD)).get(Bounds.answerNanos(), TimeUnit.NANOSECONDS);
      auth.userGrantRole(bytes("root"), bytes("root")).get(Bounds.answerNanos(), TimeUnit.NANOSECONDS);
      auth.roleAdd(bytes(USER)).get(Bounds.answerNanos(), TimeUnit.NANOSECONDS);
      auth.roleGrantPermission(bytes(USER), bytes("/services/"), bytes("/services0"), Permission.Type.READWRITE)
          .get(Bounds.answerNanos(), TimeUnit.NANOSECONDS);
      auth.userAdd(bytes(USER), bytes(PASSWORD)).get(Bounds.answerNanos(), TimeUnit.NANOSECONDS);
      auth.userGrantRole(bytes(USER), bytes(USER)).get(Bounds.answerNanos(), TimeUnit.NANOSECONDS);
      auth.authEnable().get(Bounds.answerNanos(), TimeUnit.NANOSECONDS);
    } catch (Exception | Error e) {
      etcd.close();
      throw e;
    }
    return etcd;
  }

  private static EtcdRegistry registryOfSvc(EtcdWipeableEtcd etcd) {
    return EtcdRegistry.builder().withEndpoints(etcd.endpoint()).withAuth(USER, PASSWORD)
        .withCallTimeout(TimeScale.scaled(Duration.ofSeconds(2))).build();
  }

  private static Client rootClient(EtcdWipeableEtcd etcd) {
    return Client.builder().endpoints(etcd.endpoint()).user(bytes("root")).password(bytes(ROOT_PASSWORD)).build();
  }

  private static void revokeSvcGrant(EtcdWipeableEtcd etcd) throws Exception {
    try (Client root = rootClient(etcd)) {
      root.getAuthClient().roleRevokePermission(bytes(USER), bytes("/services/"), bytes("/services0"))
          .get(Bounds.answerNanos(), TimeUnit.NANOSECONDS);
    }
  }

  /** The state changes {@code registration} goes through from now, as {@code FROM->TO}. */
  private static List<String> changesOf(Registration registration) {
    List<String> changes = new CopyOnWriteArrayList<>();
    registration.addListener((r, from, to) -> changes.add(from + "->" + to));
    return changes;
  }

  /** The calls etcd receives in {@link #WINDOW} from now. */
  /**
   * Waits until etcd receives no call for a second (the quiet second scaled with the load), at most a
   * scaled 15 s: a loop that goes on calling more often than that fails here.
   */
  private static void settle(EtcdWipeableEtcd etcd) {
    Duration quiet = TimeScale.scaled(Duration.ofSeconds(1));
    long[] last = {-1};
    Awaitility.await("etcd receives no call for " + quiet).pollInterval(quiet)
        .atMost(TimeScale.scaled(Duration.ofSeconds(15))).until(() -> {
          long now = EtcdCallCounts.read(etcd.endpoint()).total();
          boolean quietSinceLastLook = now == last[0];
          last[0] = now;
          return quietSinceLastLook;
        });
  }

  private static EtcdCallCounts callsInWindow(EtcdWipeableEtcd etcd) throws Exception {
    EtcdCallCounts before = EtcdCallCounts.read(etcd.endpoint());
    // a counting window (under load a loop makes fewer calls in it, not more); the slack past it is scaled
    Awaitility.await().pollDelay(WINDOW).atMost(WINDOW.plus(TimeScale.scaled(Duration.ofSeconds(1)))).until(() -> true);
    return EtcdCallCounts.read(etcd.endpoint()).since(before);
  }

  /** The leases etcd holds, listed as root. */
  private static Set<Long> leases(EtcdWipeableEtcd etcd) throws Exception {
    String answer = EtcdAuthIntegrationTest.gateway(etcd, "/v3/auth/authenticate",
        "{\"name\":\"root\",\"password\":\"" + ROOT_PASSWORD + "\"}", null);
    java.util.regex.Matcher token = java.util.regex.Pattern.compile("\"token\"\\s*:\\s*\"([^\"]+)\"").matcher(answer);
    assertThat(token.find()).as("root's token in %s", answer).isTrue();
    return EtcdLoadRaw.leaseIds(URI.create(etcd.endpoint()), token.group(1));
  }

  private static void eventually(ThrowingRunnable assertion) {
    Awaitility.await().pollInterval(Duration.ofMillis(50)).atMost(TimeScale.scaled(Duration.ofSeconds(15)))
        .untilAsserted(assertion);
  }

  private static ByteSequence bytes(String text) {
    return ByteSequence.from(text, StandardCharsets.UTF_8);
  }
}
