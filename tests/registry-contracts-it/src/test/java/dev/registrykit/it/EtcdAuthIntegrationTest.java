package dev.registrykit.it;

import static dev.registrykit.junit.RegistryAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import dev.registrykit.Registration;
import dev.registrykit.ServiceInstance;
import dev.registrykit.etcd.EtcdRegistry;
import dev.registrykit.junit.RecordingListener;
import dev.registrykit.junit.TimeScale;
import io.etcd.jetcd.Auth;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.auth.Permission;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.awaitility.core.ThrowingRunnable;
import org.junit.jupiter.api.Test;
import org.testcontainers.images.builder.Transferable;

/**
 * An etcd with auth on and tokens that expire every 2 s, and a registry that authenticates as a
 * user allowed only its namespace: registration, keep-alive and watch go on working across several
 * token expiries, with no LOST, and the watcher hears a change made after them. jetcd
 * authenticates again when etcd answers "invalid auth token"; the tests check that this covers
 * every call registrykit makes.
 *
 * <p>JWT tokens carry their expiry and expire {@code ttl} after they were issued, however often
 * they are used. Simple tokens expire only after {@code --auth-token-ttl} without use (every use
 * extends them), so the simple-token test leaves the registry idle for longer than that between
 * its calls.
 */
class EtcdAuthIntegrationTest {

  static final String NAMESPACE = "/auth";
  static final String USER = "registry";
  static final String PASSWORD = "registry-secret";
  private static final Duration TOKEN_TTL = Duration.ofSeconds(2);
  private static final Duration PAST_SEVERAL_EXPIRIES = TOKEN_TTL.multipliedBy(5);
  private static final ServiceInstance A = ServiceInstance.of("orders", "a", "http://10.0.0.1:5000");
  private static final ServiceInstance B = ServiceInstance.of("orders", "b", "http://10.0.0.2:5000");

  @Test
  void jwtTokensExpiringEvery2SecondsNeitherLoseTheRegistrationNorDeafenTheWatch() throws Exception {
    KeyPair keys = KeyPairGenerator.getInstance("RSA").generateKeyPair();
    Map<String, Transferable> files = Map.of(
        "/jwt/key.pem", Transferable.of(pem("PRIVATE KEY", keys.getPrivate().getEncoded()), 0644),
        "/jwt/key.pub.pem", Transferable.of(pem("PUBLIC KEY", keys.getPublic().getEncoded()), 0644));
    try (EtcdWipeableEtcd etcd = new EtcdWipeableEtcd(List.of("--auth-token",
        "jwt,pub-key=/jwt/key.pub.pem,priv-key=/jwt/key.pem,sign-method=RS256,ttl=" + TOKEN_TTL.toSeconds() + "s"),
        files)) {
      survivesExpiries(etcd, Duration.ofSeconds(2), Duration.ZERO);
    }
  }

  @Test
  void simpleTokensExpiringAfter2IdleSecondsNeitherLoseTheRegistrationNorDeafenTheWatch() throws Exception {
    try (EtcdWipeableEtcd etcd = new EtcdWipeableEtcd(
        List.of("--auth-token", "simple", "--auth-token-ttl", String.valueOf(TOKEN_TTL.toSeconds())), Map.of())) {
      // TTL 9 s: keep-alive every 3 s, so the token is idle longer than its 2 s between renewals;
      // listings are spaced likewise.
      survivesExpiries(etcd, Duration.ofSeconds(9), TOKEN_TTL.plusSeconds(2));
    }
  }

  private static void survivesExpiries(EtcdWipeableEtcd etcd, Duration ttl, Duration idle) throws Exception {
    enableAuth(etcd);
    try (EtcdRegistry registry = EtcdRegistry.builder().withEndpoints(etcd.endpoint()).withNamespace(NAMESPACE)
        .withAuth(USER, PASSWORD).withCallTimeout(TimeScale.scaled(Duration.ofSeconds(2))).build()) {
      Registration a = registry.register(A, ttl);
      List<String> states = new CopyOnWriteArrayList<>();
      a.addListener((r, from, to) -> states.add(from + "->" + to));
      RecordingListener events = new RecordingListener();
      registry.watch("orders", events);
      eventually(() -> assertThat(events).sawAdded(A));

      String token = token(etcd);
      assertThat(rangeWith(etcd, token)).as("a range with a fresh token").doesNotContain("invalid auth token");
      long start = System.nanoTime();
      int listings = 0;
      while (System.nanoTime() - start < PAST_SEVERAL_EXPIRIES.toNanos()) {
        long before = System.nanoTime();
        // idle time is the stimulus (a token expires meanwhile), not a bound: a loaded machine only idles longer
        Awaitility.await().pollDelay(idle.isZero() ? Duration.ofMillis(1500) : idle).until(() -> true); // time: load-free (idle time the test makes, not a bound)
        assertThat(registry.instances("orders")).as("listing after %s ms idle", (System.nanoTime() - before) / 1_000_000)
            .containsExactly(A);
        listings++;
        assertThat(states).as("state changes of the registration").isEmpty();
      }
      System.out.printf("auth (%s): %d listings over %d s with tokens expiring after %s; states %s%n",
          idle.isZero() ? "jwt" : "simple", listings, (System.nanoTime() - start) / 1_000_000_000, TOKEN_TTL, states);

      assertThat(rangeWith(etcd, token)).as("the token this test took before, unused since: etcd expired it")
          .contains("invalid auth token");

      Registration b = registry.register(B, ttl); // a change made after the expiries
      eventually(() -> assertThat(events).sawAdded(B));
      b.close();
      eventually(() -> assertThat(events).sawRemoved(B));
      assertThat(a).isActive();
      assertThat(states).isEmpty();
      assertThat(events).replaysTo(registry.instances("orders"));
    }
  }

  /** Root, and a user with read-write on the namespace only; then auth on. */
  static void enableAuth(EtcdWipeableEtcd etcd) throws Exception {
    try (Client root = Client.builder().endpoints(etcd.endpoint()).build()) {
      Auth auth = root.getAuthClient();
      auth.userAdd(bytes("root"), bytes("root-secret")).get(Bounds.answerNanos(), TimeUnit.NANOSECONDS);
      auth.userGrantRole(bytes("root"), bytes("root")).get(Bounds.answerNanos(), TimeUnit.NANOSECONDS);
      auth.roleAdd(bytes("registrykit")).get(Bounds.answerNanos(), TimeUnit.NANOSECONDS);
      auth.roleGrantPermission(bytes("registrykit"), bytes(NAMESPACE + "/"), bytes(NAMESPACE + "0"),
          Permission.Type.READWRITE).get(Bounds.answerNanos(), TimeUnit.NANOSECONDS);
      auth.userAdd(bytes(USER), bytes(PASSWORD)).get(Bounds.answerNanos(), TimeUnit.NANOSECONDS);
      auth.userGrantRole(bytes(USER), bytes("registrykit")).get(Bounds.answerNanos(), TimeUnit.NANOSECONDS);
      auth.authEnable().get(Bounds.answerNanos(), TimeUnit.NANOSECONDS);
    }
  }

  /** A token of the registry's user, from etcd's JSON gateway. */
  private static String token(EtcdWipeableEtcd etcd) throws Exception {
    String answer = gateway(etcd, "/v3/auth/authenticate",
        "{\"name\":\"" + USER + "\",\"password\":\"" + PASSWORD + "\"}", null);
    java.util.regex.Matcher token = java.util.regex.Pattern.compile("\"token\"\\s*:\\s*\"([^\"]+)\"").matcher(answer);
    assertThat(token.find()).as("token in %s", answer).isTrue();
    return token.group(1);
  }

  /** What etcd answers to a range of the namespace made with {@code token}. */
  private static String rangeWith(EtcdWipeableEtcd etcd, String token) throws Exception {
    String key = Base64.getEncoder().encodeToString((NAMESPACE + "/").getBytes(StandardCharsets.UTF_8));
    return gateway(etcd, "/v3/kv/range", "{\"key\":\"" + key + "\"}", token);
  }

  static String gateway(EtcdWipeableEtcd etcd, String path, String json, String token) throws Exception {
    java.net.HttpURLConnection connection = (java.net.HttpURLConnection) java.net.URI.create(etcd.endpoint() + path)
        .toURL().openConnection();
    connection.setConnectTimeout(Bounds.answerMillis());
    connection.setReadTimeout(Bounds.answerMillis());
    connection.setRequestMethod("POST");
    connection.setDoOutput(true);
    if (token != null) {
      connection.setRequestProperty("Authorization", token);
    }
    try {
      try (java.io.OutputStream body = connection.getOutputStream()) {
        body.write(json.getBytes(StandardCharsets.UTF_8));
      }
      java.io.InputStream body = connection.getResponseCode() < 400 ? connection.getInputStream()
          : connection.getErrorStream();
      try (body) {
        return connection.getResponseCode() + " " + new String(body.readAllBytes(), StandardCharsets.UTF_8);
      }
    } finally {
      connection.disconnect();
    }
  }

  private static void eventually(ThrowingRunnable assertion) {
    Awaitility.await().pollInterval(Duration.ofMillis(50)).atMost(TimeScale.scaled(Duration.ofSeconds(10)))
        .untilAsserted(assertion);
  }

  private static byte[] pem(String type, byte[] der) {
    String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
    return ("-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n").getBytes(StandardCharsets.US_ASCII);
  }

  private static ByteSequence bytes(String text) {
    return ByteSequence.from(text, StandardCharsets.UTF_8);
  }
}
