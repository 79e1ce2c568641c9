package dev.registrykit.it;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The gRPC calls an etcd has received, by method, from its own counters: {@code
 * grpc_server_started_total} in {@code /metrics} on the client URL (no auth needed). The difference
 * of two readings is what clients sent in between, whatever the client library retried on its own.
 *
 * @param byMethod calls started per gRPC method, such as {@code Range} or {@code Authenticate}
 */
record EtcdCallCounts(Map<String, Long> byMethod) {

  private static final Pattern STARTED = Pattern.compile(
      "^grpc_server_started_total\\{([^}]*)}\\s+([0-9.eE+]+)\\s*$", Pattern.MULTILINE);
  private static final Pattern METHOD = Pattern.compile("grpc_method=\"([^\"]+)\"");

  EtcdCallCounts {
    byMethod = Map.copyOf(byMethod);
  }

  /** etcd's counters now. */
  static EtcdCallCounts read(String endpoint) throws IOException {
    HttpURLConnection connection = (HttpURLConnection) URI.create(endpoint + "/metrics").toURL().openConnection();
    connection.setConnectTimeout(Bounds.answerMillis());
    connection.setReadTimeout(Bounds.answerMillis() * 2);
    String text;
    try (InputStream body = connection.getInputStream()) {
      text = new String(body.readAllBytes(), StandardCharsets.UTF_8);
    } finally {
      connection.disconnect();
    }
    Map<String, Long> counts = new TreeMap<>();
    Matcher line = STARTED.matcher(text);
    while (line.find()) {
      Matcher method = METHOD.matcher(line.group(1));
      if (method.find()) {
        counts.merge(method.group(1), (long) Double.parseDouble(line.group(2)), Long::sum);
      }
    }
    if (counts.isEmpty()) {
      throw new IOException("no grpc_server_started_total in the /metrics of " + endpoint);
    }
    return new EtcdCallCounts(counts);
  }

  /** The calls made since {@code before}, by method (methods with none left out). */
  EtcdCallCounts since(EtcdCallCounts before) {
    Map<String, Long> difference = new TreeMap<>();
    byMethod.forEach((method, count) -> {
      long made = count - before.byMethod.getOrDefault(method, 0L);
      if (made != 0) {
        difference.put(method, made);
      }
    });
    return new EtcdCallCounts(difference);
  }

  /** Every call counted. */
  long total() {
    return byMethod.values().stream().mapToLong(Long::longValue).sum();
  }

  @Override
  public String toString() {
    return total() + " calls " + new TreeMap<>(byMethod);
  }
}
