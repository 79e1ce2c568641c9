package dev.registrykit.junit.etcd.internal;

import dev.registrykit.junit.TimeScale;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/** Waits until etcd's {@code /health} says {@code "health":"true"} (it has a leader and answers). */
final class Health {

  /** How long one probe may take to connect and to answer, at scale 1 ({@code TimeScale}). */
  private static final Duration PROBE = Duration.ofMillis(500);

  private Health() {
  }

  static void await(URI endpoint, Duration timeout, String what) {
    poll(what + " at " + endpoint, "be healthy", "become healthy", timeout, () -> healthy(endpoint));
  }

  /**
   * Waits until etcd at {@code endpoint} answers at all ({@code /version}), leader or not: what a
   * member that cannot reach a quorum still does.
   */
  static void awaitAnswer(URI endpoint, Duration timeout, String what) {
    poll(what + " at " + endpoint, "answer", "answer", timeout, () -> get(endpoint, "/version") != null);
  }

  /**
   * Waits until etcd at {@code endpoint} has at least {@code peers} active links to its peers, by its
   * {@code etcd_network_active_peers} metrics.
   */
  static void awaitPeers(URI endpoint, int peers, Duration timeout, String what) {
    poll(what + " at " + endpoint, "reach " + peers + " peers", "reach its " + peers + " peers", timeout,
        () -> activePeers(get(endpoint, "/metrics")) >= peers);
  }

  /** Polls {@code condition} every 50 ms, failing with "{@code subject} did not {@code failed} within …". */
  private static void poll(String subject, String goal, String failed, Duration timeout, Callable<Boolean> condition) {
    try {
      Awaitility.await(subject + " to " + goal)
          .pollDelay(Duration.ZERO)
          .pollInterval(Duration.ofMillis(50))
          .atMost(timeout)
          .ignoreExceptions()
          .until(condition);
    } catch (ConditionTimeoutException e) {
      throw new IllegalStateException(subject + " did not " + failed + " within " + timeout, e);
    }
  }

  /** How many peer links etcd's metrics text reports active. */
  static int activePeers(String metrics) {
    int active = 0;
    for (String line : metrics.split("\n")) {
      if (line.startsWith("etcd_network_active_peers{") && Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)) >= 1) {
        active++;
      }
    }
    return active;
  }

  /** The body of a 200 answer to GET {@code path}, else null. */
  private static String get(URI endpoint, String path) throws IOException {
    HttpURLConnection connection = (HttpURLConnection) endpoint.resolve(path).toURL().openConnection();
    int probe = (int) TimeScale.scaled(PROBE).toMillis();
    connection.setConnectTimeout(probe);
    connection.setReadTimeout(probe);
    try (InputStream body = connection.getInputStream()) {
      String text = new String(body.readAllBytes(), StandardCharsets.UTF_8);
      return connection.getResponseCode() == 200 ? text : null;
    } finally {
      connection.disconnect();
    }
  }

  static boolean healthy(URI endpoint) throws IOException {
    String body = get(endpoint, "/health");
    return body != null && body.replace(" ", "").contains("\"health\":\"true\"");
  }
}
