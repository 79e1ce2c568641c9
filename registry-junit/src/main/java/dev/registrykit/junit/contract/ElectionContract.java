package dev.registrykit.junit.contract;

import static dev.registrykit.junit.RegistryAssertions.assertThat;
import static dev.registrykit.junit.contract.ContractSupport.LONG_TTL;
import static dev.registrykit.junit.contract.ContractSupport.SHORT_TTL;
import static dev.registrykit.junit.contract.ContractSupport.holdsUntilJustBeforeTheTtl;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.registrykit.Candidacy;
import dev.registrykit.Election;
import dev.registrykit.Leader;
import dev.registrykit.Registry;
import dev.registrykit.RegistryClosedException;
import dev.registrykit.junit.BackendControls;
import dev.registrykit.junit.RegistryTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * Leader election: the earliest live candidate leads; resigning and crashing hand over in campaign
 * order; a leader cut off from the registry knows it lost within its TTL; fencing tokens strictly
 * increase from leader to leader; observers hear every change; an election of a closed registry
 * refuses calls.
 *
 * <p>A part of {@link RegistryContract}, which runs every part; a test class that implements this
 * part alone, annotated with the extension that supplies the registry, runs these tests alone.
 */
public interface ElectionContract {

  // ------------------------------------------------------------------------------ leader election

  @Test
  default void oneLeaderAmongSeveralCandidatesTheEarliest(Registry registry, RegistryTime time) {
    Election election = registry.election("migrations");
    Candidacy a = election.campaign("a", LONG_TTL);
    Candidacy b = election.campaign("b", LONG_TTL);
    Candidacy c = election.campaign("c", LONG_TTL);

    time.eventually(() -> assertThat(a).isLeading());
    assertThat(b).isWaiting();
    assertThat(c).isWaiting();
    assertThat(election).hasLeader("a");
    assertThat(election.leader().orElseThrow().fencingToken()).isEqualTo(a.fencingToken().getAsLong());
  }

  @Test
  default void resigningHandsLeadershipOverInCampaignOrder(Registry registry, RegistryTime time) {
    Election election = registry.election("migrations");
    Candidacy a = election.campaign("a", LONG_TTL);
    Candidacy b = election.campaign("b", LONG_TTL);
    Candidacy c = election.campaign("c", LONG_TTL);
    time.eventually(() -> assertThat(a).isLeading());

    a.close();
    time.eventually(() -> assertThat(b).isLeading());
    assertThat(c).isWaiting();
    b.close();
    time.eventually(() -> assertThat(c).isLeading());

    assertThat(a).isResigned();
    assertThat(election).hasLeader("c");
    c.close();
    time.eventually(() -> assertThat(election).hasNoLeader());
  }

  @Test
  default void aCrashedLeaderIsReplacedAfterItsTtl(Registry registry, BackendControls backend, RegistryTime time) {
    // 3 s: on etcd, which reports a lease's time left in whole seconds, two seconds to look before the TTL
    Duration ttl = SHORT_TTL.multipliedBy(3);
    Election election = registry.election("pollers");
    Candidacy a = election.campaign("a", ttl);
    Candidacy b = election.campaign("b", ttl);
    time.eventually(() -> assertThat(a).isLeading());

    time.crash(a);
    // so b may not lead before a's TTL is over
    holdsUntilJustBeforeTheTtl(backend, time, a, "b waits", () -> assertThat(b).isWaiting());

    time.eventually(() -> assertThat(b).isLeading());
    time.eventually(() -> assertThat(a).isLost());
    assertThat(election).hasLeader("b");
  }

  @Test
  default void aLeaderCutOffFromTheRegistryLearnsItLost(Registry registry, BackendControls backend, RegistryTime time) {
    Election election = registry.election("pollers");
    Candidacy a = election.campaign("a", SHORT_TTL);
    time.eventually(() -> assertThat(a).isLeading());
    long token = a.fencingToken().getAsLong();
    Candidacy b = backend.campaignFromAnotherClient("pollers", "b", SHORT_TTL);
    time.eventually(() -> assertThat(b).isWaiting());
    List<String> events = new CopyOnWriteArrayList<>();
    a.addListener((candidacy, from, to) -> events.add("a " + from + "->" + to));
    b.addListener((candidacy, from, to) -> events.add("b " + from + "->" + to + " while a is " + a.state()));

    backend.makeUnavailable();
    try {
      // a's last renewal was before the cut: a TTL after the cut its lease may be gone on the
      // server, and by then a must already know it lost (at once: not eventually)
      time.elapse(SHORT_TTL);
      assertThat(a).isLost();
      assertThat(a.fencingToken()).isEmpty();
      time.eventually(() -> assertThat(b).isLeading());
    } finally {
      backend.heal();
    }

    time.eventually(() -> assertThat(events).containsExactly("a LEADING->LOST", "b WAITING->LEADING while a is LOST"));
    assertThat(b.fencingToken().getAsLong()).isGreaterThan(token);
  }

  @Test
  default void fencingTokensStrictlyIncreaseFromLeaderToLeader(Registry registry, RegistryTime time) {
    Election election = registry.election("migrations");
    List<Long> tokens = new ArrayList<>();
    Candidacy resigns = election.campaign("c0", LONG_TTL);
    Candidacy crashes = election.campaign("c1", SHORT_TTL);
    time.eventually(() -> assertThat(resigns).isLeading());
    tokens.add(resigns.fencingToken().getAsLong());

    resigns.close(); // hand-over by resigning
    time.eventually(() -> assertThat(crashes).isLeading());
    tokens.add(crashes.fencingToken().getAsLong());
    Candidacy later = election.campaign("c2", LONG_TTL);
    time.crash(crashes); // hand-over when the lease runs out
    time.elapse(SHORT_TTL.plus(time.expiryMargin()));
    time.eventually(() -> assertThat(later).isLeading());
    tokens.add(later.fencingToken().getAsLong());
    Candidacy last = election.campaign("c3", LONG_TTL);
    later.close();
    time.eventually(() -> assertThat(last).isLeading());
    tokens.add(last.fencingToken().getAsLong());

    assertThat(tokens).isSorted().doesNotHaveDuplicates().hasSize(4);
    assertThat(election.leader().orElseThrow().fencingToken()).isEqualTo(tokens.get(3));
  }

  @Test
  default void awaitLeadershipRejectsANegativeTimeout(Registry registry) {
    Candidacy a = registry.election("migrations").campaign("a", LONG_TTL);

    assertThatThrownBy(() -> a.awaitLeadership(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("timeout must not be negative but was: PT-1S");
    assertThatThrownBy(() -> a.awaitLeadership(null))
        .isInstanceOf(NullPointerException.class).hasMessage("timeout must not be null");
    assertThat(a.awaitLeadership(Duration.ZERO)).isTrue();
  }

  @Test
  default void observersHearTheLeaderThenEveryChange(Registry registry, RegistryTime time) {
    Election election = registry.election("migrations");
    Candidacy a = election.campaign("a", LONG_TTL);
    List<String> seen = new CopyOnWriteArrayList<>();
    election.observe(leader -> seen.add(leader.map(Leader::candidateId).orElse("-")));
    time.eventually(() -> assertThat(seen).containsExactly("a"));
    Candidacy b = election.campaign("b", LONG_TTL);

    a.close();
    time.eventually(() -> assertThat(seen).containsExactly("a", "b"));
    b.close();

    time.eventually(() -> assertThat(seen).containsExactly("a", "b", "-"));
  }

  @Test
  default void electionsAreSeparateAndStayOutOfTheInstances(Registry registry, RegistryTime time) {
    Candidacy migrations = registry.election("migrations").campaign("a", LONG_TTL);
    Candidacy pollers = registry.election("pollers").campaign("b", LONG_TTL);

    time.eventually(() -> assertThat(migrations).isLeading());
    time.eventually(() -> assertThat(pollers).isLeading());
    assertThat(registry.allInstances()).isEmpty();
    assertThat(registry.services()).isEmpty();
    assertThatThrownBy(() -> registry.election("a/b")).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("name must match [A-Za-z0-9._-]{1,128} but was: \"a/b\"");
  }

  // ------------------------------------------------------------------------------ closed registries

  @Test
  default void anElectionObtainedBeforeTheRegistryClosedRefusesLaterCalls(Registry registry) {
    Election election = registry.election("migrations");

    registry.close();

    String refused = " refused: this " + registry.getClass().getSimpleName() + " is closed";
    assertThatThrownBy(() -> election.campaign("a", LONG_TTL))
        .isInstanceOf(RegistryClosedException.class).hasMessage("campaign" + refused);
    assertThatThrownBy(election::leader)
        .isInstanceOf(RegistryClosedException.class).hasMessage("leader" + refused);
    assertThatThrownBy(() -> election.observe(leader -> { }))
        .isInstanceOf(RegistryClosedException.class).hasMessage("observe" + refused);
  }
}
