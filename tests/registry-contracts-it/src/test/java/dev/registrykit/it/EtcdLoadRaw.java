package dev.registrykit.it;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.options.GetOption;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Raw looks at etcd, past the registry: how many keys a prefix holds and which leases exist (jetcd
 * 0.8.7 has no call to list leases, so that goes through etcd's JSON gateway).
 */
final class EtcdLoadRaw {

  private static final Pattern LEASE_ID = Pattern.compile("\"ID\"\\s*:\\s*\"?(-?\\d+)");

  private EtcdLoadRaw() {
  }

  /** The number of keys under {@code prefix}, by a count-only get. */
  static long count(Client client, String prefix) throws Exception {
    return client.getKVClient().get(ByteSequence.from(prefix, StandardCharsets.UTF_8),
        GetOption.builder().isPrefix(true).withCountOnly(true).build()).get(Bounds.answerNanos(), TimeUnit.NANOSECONDS).getCount();
  }

  /** The value under {@code key}, or null. */
  static String value(Client client, String key) throws Exception {
    var kvs = client.getKVClient().get(ByteSequence.from(key, StandardCharsets.UTF_8)).get(Bounds.answerNanos(), TimeUnit.NANOSECONDS)
        .getKvs();
    return kvs.isEmpty() ? null : kvs.get(0).getValue().toString(StandardCharsets.UTF_8);
  }

  /**
   * The ids of every lease etcd at {@code endpoint} holds now: etcd's LeaseLeases through its JSON
   * gateway ({@code POST /v3/lease/leases}), since jetcd 0.8.7 has no call for it.
   */
  static Set<Long> leaseIds(URI endpoint) throws IOException {
    return leaseIds(endpoint, null);
  }

  /** {@link #leaseIds(URI)} on an etcd with auth on: {@code token} is root's (from the gateway's authenticate). */
  static Set<Long> leaseIds(URI endpoint, String token) throws IOException {
    HttpURLConnection connection = (HttpURLConnection) endpoint.resolve("/v3/lease/leases").toURL().openConnection();
    if (token != null) {
      connection.setRequestProperty("Authorization", token);
    }
    connection.setConnectTimeout(Bounds.answerMillis());
    connection.setReadTimeout(Bounds.answerMillis());
    connection.setRequestMethod("POST");
    connection.setDoOutput(true);
    try {
      try (OutputStream body = connection.getOutputStream()) {
        body.write("{}".getBytes(StandardCharsets.UTF_8));
      }
      String text;
      try (InputStream body = connection.getInputStream()) {
        text = new String(body.readAllBytes(), StandardCharsets.UTF_8);
      }
      if (connection.getResponseCode() != 200 || !text.contains("\"header\"")) {
        throw new IOException("lease list of " + endpoint + " answered " + connection.getResponseCode() + ": " + text);
      }
      Set<Long> ids = new TreeSet<>();
      Matcher id = LEASE_ID.matcher(text);
      while (id.find()) {
        ids.add(Long.parseLong(id.group(1)));
      }
      return ids;
    } finally {
      connection.disconnect();
    }
  }
}
