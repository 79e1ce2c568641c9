package dev.registrykit.it;

import static dev.registrykit.junit.RegistryAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.registrykit.Candidacy;
import dev.registrykit.Election;
import dev.registrykit.Leader;
import dev.registrykit.Registry;
import dev.registrykit.Subscription;
import dev.registrykit.etcd.EtcdRegistry;
import dev.registrykit.etcd.internal.EtcdTestAccess;
import dev.registrykit.junit.etcd.EtcdHandle;
import dev.registrykit.junit.EtcdLifecycle;
import dev.registrykit.junit.EtcdRegistryTest;
import dev.registrykit.junit.RegistryTime;
import dev.registrykit.junit.TimeScale;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.options.GetOption;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * Elections across processes: two registries with clients of their own, as two instances of a
 * service. PER_CLASS: one test pauses etcd.
 */
@EtcdRegistryTest(lifecycle = EtcdLifecycle.PER_CLASS)
class EtcdElectionIntegrationTest {

  @Test
  void anotherProcessTakesOverWhenTheLeadersProcessDies(EtcdHandle etcd, Registry registry, RegistryTime time) {
    String namespace = ((EtcdRegistry) registry).namespace();
    // 1 s on a quiet machine, times the scale in whole seconds: a live candidate must renew within its
    // TTL, which a loaded machine stretches (at load 50 on 2 cores the 1 s candidacies were LOST before the crash)
    Duration ttl = Duration.ofSeconds((long) Math.ceil(TimeScale.current()));
    try (EtcdRegistry first = own(etcd, namespace); EtcdRegistry second = own(etcd, namespace)) {
      Candidacy a = first.election("migrations").campaign("instance-a", ttl);
      Candidacy b = second.election("migrations").campaign("instance-b", ttl);
      assertThat(a.awaitLeadership(TimeScale.scaled(Duration.ofSeconds(5)))).isTrue();
      assertThat(b).isWaiting();

      long start = System.nanoTime();
      EtcdTestAccess.crash(first, a);
      assertThat(b.awaitLeadership(TimeScale.scaled(Duration.ofSeconds(5)))).isTrue();
      System.out.println("leader crashed -> successor leads after " + (System.nanoTime() - start) / 1_000_000
          + " ms (TTL " + ttl.toSeconds() + " s)");

      assertThat(b.fencingToken().getAsLong()).isGreaterThan(0);
      assertThat(second.election("migrations")).hasLeader("instance-b");
      time.eventually(() -> assertThat(a).isLost());
    }
  }

  @Test
  void theFencingTokenIsTheCreateRevisionOfTheLeadersKey(Registry registry, Client client) throws Exception {
    Candidacy a = registry.election("pollers").campaign("a", Duration.ofSeconds(30));
    assertThat(a.awaitLeadership(TimeScale.scaled(Duration.ofSeconds(5)))).isTrue();

    String prefix = ((EtcdRegistry) registry).namespace() + "-elections/pollers/";
    List<KeyValue> keys = client.getKVClient().get(ByteSequence.from(prefix, StandardCharsets.UTF_8),
        GetOption.builder().isPrefix(true).build()).get(Bounds.answerNanos(), TimeUnit.NANOSECONDS).getKvs();

    assertThat(keys).hasSize(1);
    assertThat(keys.get(0).getValue().toString(StandardCharsets.UTF_8)).isEqualTo("a");
    assertThat(a.fencingToken()).hasValue(keys.get(0).getCreateRevision());
    a.close();
    assertThat(client.getKVClient().get(ByteSequence.from(prefix, StandardCharsets.UTF_8),
        GetOption.builder().isPrefix(true).build()).get(Bounds.answerNanos(), TimeUnit.NANOSECONDS).getKvs()).as("keys after resigning").isEmpty();
  }

  /**
   * etcd paused: the leader's keep-alives hang. It must turn LOST at its deadline, a TTL after its
   * last successful keep-alive, not when a hanging keep-alive times out after that (a third of the TTL
   * later). The window between the two is a third of the TTL; the test allows {@code LOST} to be heard
   * a scaled 300 ms late (its timer's thread may be scheduled late on a loaded machine), so the TTL is
   * 3 s times the scale, rounded up to whole seconds, and the window always exceeds the allowance.
   */
  @Test
  void aLeaderWhoseKeepAlivesHangLosesAtItsDeadlineNotACallLater(EtcdHandle etcd, Registry registry, RegistryTime time) {
    Duration late = TimeScale.scaled(Duration.ofMillis(300));
    Duration ttl = Duration.ofSeconds((long) Math.ceil(late.toNanos() * 10.0 / 1_000_000_000)); // 3 s times the scale
    Duration aCallLater = ttl.dividedBy(3); // keep-alive every third of the TTL, each call may hang as long
    assertThat(late).as("the allowance for a late timer, against the window it must stay inside (TTL %s)", ttl)
        .isLessThan(aCallLater);
    Candidacy a = registry.election("pollers").campaign("a", ttl);
    assertThat(a.awaitLeadership(TimeScale.scaled(Duration.ofSeconds(5)))).isTrue();
    List<Long> heard = new CopyOnWriteArrayList<>();
    a.addListener((candidacy, from, to) -> heard.add(System.nanoTime()));

    etcd.pause(); // calls hang: nothing answers, nothing fails fast
    long paused = System.nanoTime();
    try {
      // its last successful keep-alive went out before the pause: a TTL after it, etcd may let the
      // key go, and a must know by then (give or take a late timer) - not when a hanging call times out after it
      time.elapse(ttl);
      Awaitility.await("LOST within " + late + " after the TTL").atMost(late).pollInterval(Duration.ofMillis(10))
          .untilAsserted(() -> assertThat(a).isLost());
      time.eventually(() -> assertThat(heard).hasSize(1));
    } finally {
      etcd.unpause();
    }
    System.out.println("keep-alives hanging from the pause: leader heard LOST " + (heard.get(0) - paused) / 1_000_000
        + " ms after it (TTL " + ttl.toSeconds() + " s)");
    assertThat(a.fencingToken()).isEmpty();
  }

  @Test
  void crashTakesOnlyACandidacyOfItsOwnRegistry(EtcdHandle etcd, Registry registry) {
    String namespace = ((EtcdRegistry) registry).namespace();
    try (EtcdRegistry first = own(etcd, namespace); EtcdRegistry second = own(etcd, namespace)) {
      first.election("migrations").campaign("instance-a", Duration.ofSeconds(30));
      Candidacy b = second.election("migrations").campaign("instance-b", Duration.ofSeconds(30));

      assertThatThrownBy(() -> EtcdTestAccess.crash(first, b))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("crash needs a candidacy of this EtcdRegistry but was: EtcdCandidacy[migrations/instance-b, WAITING]");
      assertThat(b).isWaiting();
    }
  }

  @Test
  void aClosedObserverHearsNothingMoreEvenOfAChangeAlreadyQueued(Registry registry) throws InterruptedException {
    Election election = registry.election("pollers");
    Candidacy a = election.campaign("a", Duration.ofSeconds(30));
    CountDownLatch holding = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    election.observe(leader -> { // holds the registry's events thread when nobody leads
      if (leader.isEmpty()) {
        holding.countDown();
        await(release);
      }
    });
    List<String> seen = new CopyOnWriteArrayList<>();
    Subscription observation = election.observe(leader -> seen.add(leader.map(Leader::candidateId).orElse("-")));
    CountDownLatch told = new CountDownLatch(1);
    election.observe(leader -> told.countDown());
    assertThat(told.await(scaledNanos(5), TimeUnit.NANOSECONDS)).isTrue(); // the observers above heard "a" before

    a.close(); // "nobody leads" is queued for both observers; the first holds the thread
    assertThat(holding.await(scaledNanos(5), TimeUnit.NANOSECONDS)).isTrue();
    observation.close();
    release.countDown();
    CountDownLatch drained = new CountDownLatch(1);
    election.observe(leader -> drained.countDown()); // told after whatever was queued
    assertThat(drained.await(scaledNanos(5), TimeUnit.NANOSECONDS)).isTrue();

    assertThat(seen).containsExactly("a");
  }

  private static void await(CountDownLatch latch) {
    try {
      assertThat(latch.await(scaledNanos(10), TimeUnit.NANOSECONDS)).isTrue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** {@code seconds} on a quiet machine, scaled, in nanoseconds. */
  private static long scaledNanos(long seconds) {
    return TimeScale.scaled(Duration.ofSeconds(seconds)).toNanos();
  }

  private static EtcdRegistry own(EtcdHandle etcd, String namespace) {
    return EtcdRegistry.builder().withEndpoints(etcd.endpoints().get(0).toString()).withNamespace(namespace)
        .withCallTimeout(Bounds.callTimeout()).build();
  }
}
