package dev.registrykit.junit.etcd.internal;

import dev.registrykit.junit.internal.Settings;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.testkit.engine.EventConditions.container;
import static org.junit.platform.testkit.engine.EventConditions.event;
import static org.junit.platform.testkit.engine.EventConditions.finishedWithFailure;
import static org.junit.platform.testkit.engine.EventConditions.test;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.cause;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.instanceOf;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.message;

import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.Network;
import dev.registrykit.junit.etcd.EtcdHandle;
import dev.registrykit.junit.EtcdLifecycle;
import dev.registrykit.junit.EtcdMember;
import dev.registrykit.junit.EtcdRegistryTest;
import dev.registrykit.junit.TimeScale;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.options.GetOption;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.testcontainers.DockerClientFactory;

/**
 * {@code @EtcdRegistryTest(members = 3)}: a cluster, per-member faults, leader, wipe; run through the
 * real JUnit engine on fixture classes guarded like those of {@link EtcdRegistryExtensionTest}. Each
 * fixture shares one cluster among its tests (PER_CLASS), so the whole class starts few clusters.
 */
class EtcdClusterExtensionTest {

  static final List<String> SEEN = new CopyOnWriteArrayList<>();
  private static final String FIXTURE = "registrykit.fixture";
  private static final ByteSequence KEY = bytes("/cluster/k");

  @BeforeEach
  void clear() {
    SEEN.clear();
    System.setProperty(FIXTURE, "true");
  }

  @AfterEach
  void restore() {
    System.clearProperty(FIXTURE);
  }

  private static ByteSequence bytes(String text) {
    return ByteSequence.from(text, StandardCharsets.UTF_8);
  }

  /** Runs the fixture through the engine; then no container, etcd process or registrykit thread of the run may be left. */
  private static EngineExecutionResults run(Class<?> type) {
    Leftovers before = Leftovers.before();
    EngineExecutionResults results = EngineTestKit.engine("junit-jupiter").selectors(selectClass(type)).execute();
    results.allEvents().failed().stream().forEach(event -> event.getPayload(
        org.junit.platform.engine.TestExecutionResult.class).flatMap(r -> r.getThrowable()).ifPresent(e ->
            System.out.println("fixture " + event.getTestDescriptor().getDisplayName() + " failed: " + causes(e))));
    before.assertNoneAfter();
    return results;
  }

  /** {@code failure}, its causes and what was suppressed, one per line: what failed inside the fixture. */
  private static String causes(Throwable failure) {
    StringBuilder text = new StringBuilder(failure.toString());
    for (Throwable suppressed : failure.getSuppressed()) {
      text.append("\n  suppressed: ").append(causes(suppressed).replace("\n", "\n  "));
    }
    for (Throwable cause = failure.getCause(); cause != null && cause != cause.getCause(); cause = cause.getCause()) {
      text.append("\n  caused by: ").append(cause);
    }
    return text.toString();
  }

  private static EngineExecutionResults runOn(String backend, Class<?> type) {
    String was = System.getProperty(Settings.SOURCE);
    System.setProperty(Settings.SOURCE, backend);
    try {
      return run(type);
    } finally {
      if (was == null) {
        System.clearProperty(Settings.SOURCE);
      } else {
        System.setProperty(Settings.SOURCE, was);
      }
    }
  }

  private static boolean docker() {
    return DockerClientFactory.instance().isDockerAvailable();
  }

  /** This JVM's labelled containers and networks, by id. */
  private static Set<String> ours() {
    if (!docker()) {
      return Set.of();
    }
    var client = DockerClientFactory.instance().client();
    Map<String, String> session = Map.of(ContainerEtcd.SESSION_LABEL, ContainerEtcd.SESSION);
    Set<String> ids = client.listContainersCmd().withShowAll(true).withLabelFilter(session).exec().stream()
        .map(Container::getId).collect(Collectors.toSet());
    client.listNetworksCmd().withFilter("label", List.of(ContainerEtcd.SESSION_LABEL + "=" + ContainerEtcd.SESSION))
        .exec().stream().map(Network::getId).forEach(ids::add);
    return ids;
  }

  private static long millisSince(long nanos) {
    return (System.nanoTime() - nanos) / 1_000_000;
  }

  private static void put(Client client, String value) throws Exception {
    client.getKVClient().put(KEY, bytes(value)).get(TimeScale.scaled(Duration.ofSeconds(10)).toMillis(), TimeUnit.MILLISECONDS);
  }

  /** A client on one member only, so reads are answered by that member. */
  private static Client clientOf(EtcdMember member) {
    return Client.builder().endpoints(member.endpoint()).build();
  }

  // ------------------------------------------------------------------------------ validation

  @EtcdRegistryTest(members = 2)
  @EnabledIfSystemProperty(named = FIXTURE, matches = "true")
  static class TwoMembers {
    @Test
    void neverRuns() {
      SEEN.add("ran");
    }
  }

  @Test
  void aNumberOfMembersOtherThanOneThreeOrFiveFailsTheClass() {
    run(TwoMembers.class).containerEvents().assertThatEvents().haveExactly(1, event(container(TwoMembers.class),
        finishedWithFailure(cause(instanceOf(ExtensionConfigurationException.class),
            message("@EtcdRegistryTest(members) must be 1, 3 or 5 but was: 2")))));
    assertThat(SEEN).isEmpty();
  }

  // ------------------------------------------------------------------------------ a 3-member cluster

  /** One cluster for all of these, in this order; each test leaves it serving (the extension sees to it). */
  @EtcdRegistryTest(members = 3, lifecycle = EtcdLifecycle.PER_CLASS)
  @EnabledIfSystemProperty(named = FIXTURE, matches = "true")
  @TestMethodOrder(MethodOrderer.MethodName.class)
  static class ThreeMembers {
    @Test
    void a_everyMemberServesAndOneLeads(EtcdHandle etcd, Client client) throws Exception {
      assertThat(etcd.endpoints()).hasSize(3).doesNotHaveDuplicates();
      assertThat(etcd.members()).extracting(EtcdMember::name).containsExactly("etcd-0", "etcd-1", "etcd-2");
      assertThat(etcd.members()).extracting(EtcdMember::endpoint).containsExactlyElementsOf(etcd.endpoints());
      EtcdMember leader = etcd.leader();
      assertThat(etcd.members()).contains(leader);
      assertThat(etcd.members()).filteredOn(EtcdMember::isLeader).containsExactly(leader);
      put(client, "a");
      SEEN.add(etcd.source() + " a");
    }

    @Test
    void b_killingTheLeaderElectsAnother(EtcdHandle etcd, Client client) throws Exception {
      EtcdMember leader = etcd.leader();
      long killed = System.nanoTime();
      leader.kill();
      EtcdMember next = etcd.leader();
      long elected = millisSince(killed);
      assertThat(next).isNotEqualTo(leader);
      put(client, "b"); // two of three keep quorum
      long written = millisSince(killed);
      leader.start();
      assertThat(Health.healthy(leader.endpoint())).isTrue();
      System.out.println("leader killed -> new leader in " + elected + " ms, first write through the "
          + "3-endpoint client after " + written + " ms");
      SEEN.add(etcd.source() + " b");
    }

    @Test
    void c_aPartitionedFollowerAnswersButIsOutOfQuorumUntilHealed(EtcdHandle etcd) throws Exception {
      Assumptions.assumeTrue(etcd.source().equals("container"), "partition needs containers");
      EtcdMember follower = etcd.members().stream().filter(m -> !m.isLeader()).findFirst().orElseThrow();
      follower.partition();
      try (Client viaLeader = clientOf(etcd.leader())) {
        put(viaLeader, "c"); // the other two commit without it (not through the cut-off member, which may not know yet)
      }
      try (Client alone = clientOf(follower)) {
        var serializable = alone.getKVClient().get(KEY, GetOption.builder().withSerializable(true).build())
            .get(TimeScale.scaled(Duration.ofSeconds(5)).toMillis(), TimeUnit.MILLISECONDS);
        assertThat(serializable.getKvs()).as("what the cut-off member has").hasSize(1)
            .allSatisfy(kv -> assertThat(kv.getValue().toString(StandardCharsets.UTF_8)).isNotEqualTo("c"));
        assertThatThrownBy(() -> alone.getKVClient().get(KEY).get(TimeScale.scaled(Duration.ofSeconds(1)).toMillis(), TimeUnit.MILLISECONDS))
            .as("a linearizable read needs a quorum").isInstanceOfAny(TimeoutException.class, ExecutionException.class);
        assertThat(etcd.leader()).isNotEqualTo(follower);

        long healing = System.nanoTime();
        follower.heal();
        Awaitility.await("the healed member to catch up").atMost(TimeScale.scaled(Duration.ofSeconds(10)))
            .pollInterval(Duration.ofMillis(20)).ignoreExceptions()
            .until(() -> alone.getKVClient().get(KEY).get(TimeScale.scaled(Duration.ofSeconds(1)).toMillis(), TimeUnit.MILLISECONDS).getKvs().get(0).getValue()
                .toString(StandardCharsets.UTF_8).equals("c"));
        System.out.println("partitioned follower healed -> linearizable read through it after "
            + millisSince(healing) + " ms");
      }
      SEEN.add(etcd.source() + " c");
    }

    @Test
    void d_leavesTwoMembersDownAndFails(EtcdHandle etcd) {
      etcd.member(0).kill();
      if (etcd.source().equals("container")) {
        etcd.member(1).partition();
      } else {
        etcd.member(1).stop();
      }
      etcd.member(2).pause();
      throw new AssertionError("failed with the cluster out of quorum");
    }

    @Test
    void e_findsEveryMemberServing(EtcdHandle etcd, Client client) throws Exception {
      for (EtcdMember member : etcd.members()) {
        assertThat(Health.healthy(member.endpoint())).as(member.name()).isTrue();
      }
      assertThat(client.getKVClient().get(KEY).get(TimeScale.scaled(Duration.ofSeconds(10)).toMillis(), TimeUnit.MILLISECONDS).getKvs()).as("data kept").hasSize(1);
      SEEN.add(etcd.source() + " e");
    }

    @Test
    void f_wipeLeavesAFreshClusterAtTheSameEndpoints(EtcdHandle etcd, Client client) throws Exception {
      put(client, "f");
      var endpoints = etcd.endpoints();
      long wiping = System.nanoTime();
      etcd.wipe();
      long wiped = millisSince(wiping);
      assertThat(etcd.endpoints()).isEqualTo(endpoints);
      var afterWipe = Awaitility.await("a read from the wiped etcd").atMost(TimeScale.scaled(Duration.ofSeconds(10)))
          .pollInterval(Duration.ofMillis(50)).ignoreExceptions()
          .until(() -> client.getKVClient().get(KEY).get(TimeScale.scaled(Duration.ofSeconds(1)).toMillis(), TimeUnit.MILLISECONDS), r -> true);
      assertThat(afterWipe.getKvs()).isEmpty();
      assertThat(afterWipe.getHeader().getRevision()).as("revision of a fresh etcd").isEqualTo(1);
      assertThat(etcd.members()).contains(etcd.leader());
      System.out.println("wipe of a 3-member " + etcd.source() + " cluster took " + wiped + " ms, first read after "
          + millisSince(wiping) + " ms");
      SEEN.add(etcd.source() + " f");
    }
  }

  @Test
  void aClusterOfThreeServesFailsOverAndIsBroughtBackAfterEachTest() {
    Needs.docker();
    Set<String> before = ours();
    long start = System.nanoTime();

    runOn("container", ThreeMembers.class).testEvents().assertStatistics(stats -> stats.started(6).succeeded(5).failed(1))
        .assertThatEvents().haveExactly(1, event(test("d_leavesTwoMembersDownAndFails"),
            finishedWithFailure(message("failed with the cluster out of quorum"))));

    System.out.println("ThreeMembers on containers: " + millisSince(start) + " ms");
    assertThat(SEEN).containsExactly("container a", "container b", "container c", "container e", "container f");
    assertThat(ours()).as("containers and networks left by the run").isSubsetOf(before);
  }

  // ------------------------------------------------------------------------------ a 5-member cluster

  @EtcdRegistryTest(members = 5, lifecycle = EtcdLifecycle.PER_CLASS)
  @EnabledIfSystemProperty(named = FIXTURE, matches = "true")
  static class FiveMembers {
    @Test
    void twoMembersDownLeaveAQuorumOfThree(EtcdHandle etcd, Client client) throws Exception {
      assertThat(etcd.members()).extracting(EtcdMember::name)
          .containsExactly("etcd-0", "etcd-1", "etcd-2", "etcd-3", "etcd-4");
      EtcdMember leader = etcd.leader();
      EtcdMember follower = etcd.members().stream().filter(m -> !m.equals(leader)).findFirst().orElseThrow();
      // Stopped, not killed: etcd 3.4.23 panicked restarting a member of this cluster after the leader
      // had been killed ("tocommit(23) is out of range [lastIndex(22)]") in 3 of 13 full runs of this module.
      // kill() and the restart after it are tested on the 3-member cluster above.
      leader.stop();
      follower.stop();
      EtcdMember next = etcd.leader();
      assertThat(next).isNotIn(leader, follower);
      put(client, "five"); // three of five keep quorum
      SEEN.add(etcd.source() + " quorum of 3 after losing " + 2);
      // left down on purpose: the extension brings both back after the test
    }
  }

  @Test
  void aClusterOfFiveKeepsQuorumWithTwoMembersDown() {
    Needs.docker();
    Set<String> before = ours();

    runOn("container", FiveMembers.class).testEvents().assertStatistics(stats -> stats.started(1).succeeded(1));

    assertThat(SEEN).containsExactly("container quorum of 3 after losing 2");
    assertThat(ours()).as("containers and networks left by the run").isSubsetOf(before);
  }

  @Test
  void aClusterOfThreeProcessesDoesAllButPartition() {
    Needs.etcdBinary();
    long start = System.nanoTime();

    runOn("process", ThreeMembers.class).testEvents()
        .assertStatistics(stats -> stats.started(6).succeeded(4).failed(1).aborted(1));

    System.out.println("ThreeMembers on processes: " + millisSince(start) + " ms");
    assertThat(SEEN).containsExactly("process a", "process b", "process e", "process f");
  }

  // ------------------------------------------------------------------------------ refusals

  @EtcdRegistryTest(members = 3, lifecycle = EtcdLifecycle.PER_CLASS)
  @EnabledIfSystemProperty(named = FIXTURE, matches = "true")
  static class PartitionOfAProcess {
    @Test
    void partition(EtcdHandle etcd) {
      etcd.member(1).partition();
    }
  }

  @Test
  void theProcessSourceRefusesAPartitionSayingWhatCan() {
    Needs.etcdBinary();
    runOn("process", PartitionOfAProcess.class).testEvents().assertThatEvents().haveExactly(1, event(test("partition"),
        finishedWithFailure(instanceOf(UnsupportedOperationException.class), message("partition() needs the container "
            + "source (Docker): the process source cannot cut one etcd process off from its peers; run with Docker "
            + "or -Dregistrykit.etcd.source=container"))));
  }

  @EtcdRegistryTest(lifecycle = EtcdLifecycle.PER_CLASS)
  @EnabledIfSystemProperty(named = FIXTURE, matches = "true")
  static class SingleMember {
    @Test
    void isAClusterOfOne(EtcdHandle etcd) {
      assertThat(etcd.members()).hasSize(1);
      assertThat(etcd.leader()).isEqualTo(etcd.member(0));
      assertThat(etcd.member(0).isLeader()).isTrue();
      assertThat(etcd.member(0).endpoint()).isEqualTo(etcd.endpoints().get(0));
      SEEN.add("one");
    }

    @Test
    void partition(EtcdHandle etcd) {
      etcd.member(0).partition();
    }

    @Test
    void memberOne(EtcdHandle etcd) {
      etcd.member(1);
    }
  }

  @Test
  void aSingleEtcdIsOneMemberThatCannotBePartitioned() {
    run(SingleMember.class).testEvents().assertThatEvents()
        .haveExactly(1, event(test("partition"), finishedWithFailure(instanceOf(UnsupportedOperationException.class),
            message("partition() cuts a member off from its peers, but this etcd has one member and no peers: use "
                + "@EtcdRegistryTest(members = 3) to test a partition"))))
        .haveExactly(1, event(test("memberOne"), finishedWithFailure(instanceOf(IndexOutOfBoundsException.class),
            message("member(1) does not exist: this etcd has 1 member, index 0; for a cluster use "
                + "@EtcdRegistryTest(members = 3)"))));
    assertThat(SEEN).containsExactly("one");
  }

  @EtcdRegistryTest
  @EnabledIfSystemProperty(named = FIXTURE, matches = "true")
  static class MemberFaultsOnShared {
    @Test
    void kill(EtcdHandle etcd) {
      etcd.member(0).kill();
    }

    @Test
    void wipe(EtcdHandle etcd) {
      etcd.wipe();
    }

    @Test
    void leader(EtcdHandle etcd) {
      SEEN.add(etcd.leader().name()); // only reads: allowed
    }
  }

  @Test
  void memberFaultsAndWipeAreRefusedOnTheSharedEtcd() {
    String tail = " would hit every test class sharing this etcd (lifecycle PER_RUN): use @EtcdRegistryTest("
        + "lifecycle = EtcdLifecycle.PER_CLASS) or PER_METHOD for tests that inject faults";
    run(MemberFaultsOnShared.class).testEvents().assertThatEvents()
        .haveExactly(1, event(test("kill"), finishedWithFailure(instanceOf(UnsupportedOperationException.class),
            message("member(0).kill()" + tail))))
        .haveExactly(1, event(test("wipe"), finishedWithFailure(instanceOf(UnsupportedOperationException.class),
            message("wipe()" + tail))));
    assertThat(SEEN).containsExactly("etcd-0");
  }
}
