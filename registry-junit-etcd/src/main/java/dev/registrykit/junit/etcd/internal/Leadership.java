package dev.registrykit.junit.etcd.internal;

import dev.registrykit.junit.TimeScale;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.function.IntPredicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Who leads an etcd cluster, from each member's maintenance status ({@code POST
 * /v3/maintenance/status} on its client URL): the member that names itself leader and that a quorum
 * of all members names too. A leader cut off from its peers may still name itself for an election
 * timeout, but not with a quorum behind it.
 */
final class Leadership {

  private static final Pattern MEMBER_ID = Pattern.compile("\"member_id\"\\s*:\\s*\"(\\d+)\"");
  private static final Pattern LEADER = Pattern.compile("\"leader\"\\s*:\\s*\"(\\d+)\"");
  private static final long POLL_MILLIS = 20;
  /** How long one status request may take to connect and to answer, at scale 1 ({@code TimeScale}). */
  private static final Duration PROBE = Duration.ofMillis(300);

  private Leadership() {
  }

  /** What one member said: its id and the leader it knows (0 for none), or why it said nothing. */
  record Status(String memberId, String leader, String problem) {
    static Status of(String body) {
      Matcher id = MEMBER_ID.matcher(body);
      Matcher leader = LEADER.matcher(body);
      return new Status(id.find() ? id.group(1) : "?", leader.find() ? leader.group(1) : "0", null);
    }

    boolean leads() {
      return problem == null && !leader.equals("0") && leader.equals(memberId);
    }

    @Override
    public String toString() {
      return problem != null ? problem : "id " + memberId + ", leader " + (leader.equals("0") ? "none" : leader);
    }
  }

  static Status status(URI endpoint) {
    try {
      HttpURLConnection connection = (HttpURLConnection) endpoint.resolve("/v3/maintenance/status").toURL()
          .openConnection();
      int probe = (int) TimeScale.scaled(PROBE).toMillis();
      connection.setConnectTimeout(probe);
      connection.setReadTimeout(probe);
      connection.setRequestMethod("POST");
      connection.setDoOutput(true);
      try (OutputStream out = connection.getOutputStream()) {
        out.write("{}".getBytes(StandardCharsets.UTF_8));
      }
      try (InputStream body = connection.getInputStream()) {
        return Status.of(new String(body.readAllBytes(), StandardCharsets.UTF_8));
      } finally {
        connection.disconnect();
      }
    } catch (IOException e) {
      return new Status("?", "0", "no answer (" + e.getClass().getSimpleName() + ")");
    }
  }

  /**
   * The index of the member that leads now, asking only the members {@code ask} allows (the others,
   * paused or down, would not answer; they count as not naming it); empty during an election.
   */
  static OptionalInt now(List<URI> endpoints, IntPredicate ask) {
    return decide(statuses(endpoints, ask));
  }

  private static List<Status> statuses(List<URI> endpoints, IntPredicate ask) {
    List<Status> statuses = new ArrayList<>();
    for (int i = 0; i < endpoints.size(); i++) {
      statuses.add(ask.test(i) ? status(endpoints.get(i)) : new Status("?", "0", "not asked: paused, down or partitioned"));
    }
    return statuses;
  }

  private static OptionalInt decide(List<Status> statuses) {
    int quorum = statuses.size() / 2 + 1;
    for (int i = 0; i < statuses.size(); i++) {
      Status candidate = statuses.get(i);
      if (candidate.leads()) {
        long naming = statuses.stream().filter(s -> s.problem() == null && s.leader().equals(candidate.memberId()))
            .count();
        if (naming >= quorum) {
          return OptionalInt.of(i);
        }
      }
    }
    return OptionalInt.empty();
  }

  /** Waits up to {@code timeout} for a leader (an election may be under way); fails naming each member's status. */
  static int await(List<URI> endpoints, IntPredicate ask, Duration timeout, String what) {
    long deadline = System.nanoTime() + timeout.toNanos();
    List<Status> last;
    while (true) {
      last = statuses(endpoints, ask);
      OptionalInt leader = decide(last);
      if (leader.isPresent()) {
        return leader.getAsInt();
      }
      if (System.nanoTime() - deadline >= 0) {
        break;
      }
      try {
        Thread.sleep(POLL_MILLIS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for a leader of " + what, e);
      }
    }
    StringBuilder members = new StringBuilder();
    for (int i = 0; i < endpoints.size(); i++) {
      members.append(i == 0 ? "" : "; ").append(EtcdFlags.name(i)).append(" at ").append(endpoints.get(i))
          .append(": ").append(last.get(i));
    }
    throw new IllegalStateException("no member of " + what + " led within " + timeout + " (a leader needs "
        + (endpoints.size() / 2 + 1) + " of " + endpoints.size() + " members serving and connected): " + members);
  }
}
