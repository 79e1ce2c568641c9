package dev.registrykit.fake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.registrykit.Candidacy;
import dev.registrykit.CandidacyState;
import dev.registrykit.Election;
import dev.registrykit.Leader;
import dev.registrykit.RegistryUnavailableException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class FakeElectionTest {

  private static final Duration TTL = Duration.ofSeconds(10);

  private final FakeRegistry registry = FakeRegistry.create();
  private final Election election = registry.election("migrations");

  @Test
  void theEarliestCampaignerLeadsAndTheOthersWait() {
    Candidacy a = election.campaign("a", TTL);
    Candidacy b = election.campaign("b", TTL);

    assertThat(a.state()).isEqualTo(CandidacyState.LEADING);
    assertThat(b.state()).isEqualTo(CandidacyState.WAITING);
    assertThat(a.fencingToken()).isPresent();
    assertThat(b.fencingToken()).isEmpty();
    assertThat(election.leader()).contains(new Leader("migrations", "a", a.fencingToken().getAsLong()));
  }

  @Test
  void resigningHandsOverInCampaignOrderWithIncreasingTokens() {
    Candidacy a = election.campaign("a", TTL);
    Candidacy b = election.campaign("b", TTL);
    Candidacy c = election.campaign("c", TTL);
    long first = a.fencingToken().getAsLong();

    a.close();
    assertThat(b.isLeader()).isTrue();
    long second = b.fencingToken().getAsLong();
    b.close();

    assertThat(c.isLeader()).isTrue();
    assertThat(c.fencingToken().getAsLong()).isGreaterThan(second);
    assertThat(second).isGreaterThan(first);
    assertThat(a.state()).isEqualTo(CandidacyState.RESIGNED);
  }

  @Test
  void aCrashedLeaderIsReplacedAfterItsTtl() {
    Candidacy a = election.campaign("a", TTL);
    Candidacy b = election.campaign("b", TTL);
    List<String> states = new ArrayList<>();
    a.addListener((c, from, to) -> states.add(from + "->" + to));

    registry.crash(a);
    registry.clock().advance(TTL.minusSeconds(1));
    assertThat(a.isLeader()).isTrue();
    registry.clock().advance(Duration.ofSeconds(1));

    assertThat(a.state()).isEqualTo(CandidacyState.LOST);
    assertThat(b.isLeader()).isTrue();
    assertThat(states).containsExactly("LEADING->LOST");
  }

  @Test
  void aLeaderCutOffLearnsItLostWhenItsLeaseEnds() {
    Candidacy a = election.campaign("a", TTL);
    Candidacy b = election.campaign("b", TTL);

    try (InjectedFault outage = registry.inject(Fault.unavailable())) {
      registry.clock().advance(TTL);
      assertThat(a.state()).isEqualTo(CandidacyState.LOST);
      assertThat(b.state()).isEqualTo(CandidacyState.LOST);
    }
    assertThat(election.leader()).isEmpty();
  }

  @Test
  void aLeaderCutOffForLessThanItsTtlKeepsLeading() {
    Candidacy a = election.campaign("a", TTL);

    try (InjectedFault outage = registry.inject(Fault.unavailable())) {
      registry.clock().advance(TTL.minusSeconds(1));
    }
    registry.clock().advance(TTL.multipliedBy(3));

    assertThat(a.state()).isEqualTo(CandidacyState.LEADING);
  }

  @Test
  void observersHearEveryChangeStartingWithTheCurrentLeader() {
    List<Optional<Leader>> seen = new ArrayList<>();
    Candidacy a = election.campaign("a", TTL);
    election.observe(seen::add);
    Candidacy b = election.campaign("b", TTL);

    a.close();
    b.close();

    assertThat(seen).extracting(l -> l.map(Leader::candidateId).orElse("-")).containsExactly("a", "b", "-");
  }

  @Test
  void anObserverHearsNothingDuringAnOutageThenWhatItMissed() {
    List<Optional<Leader>> seen = new ArrayList<>();
    election.campaign("a", TTL);
    election.observe(seen::add);

    InjectedFault outage = registry.inject(Fault.unavailable());
    registry.clock().advance(TTL);
    assertThat(seen).extracting(l -> l.map(Leader::candidateId).orElse("-")).containsExactly("a");

    outage.heal();
    assertThat(seen).extracting(l -> l.map(Leader::candidateId).orElse("-")).containsExactly("a", "-");
  }

  @Test
  void aClosedObserverHearsNothingMore() {
    List<Optional<Leader>> seen = new ArrayList<>();
    Candidacy a = election.campaign("a", TTL);
    election.campaign("b", TTL);
    var observation = election.observe(seen::add);

    observation.close();
    a.close();

    assertThat(seen).extracting(l -> l.map(Leader::candidateId).orElse("-")).containsExactly("a");
  }

  @Test
  void awaitLeadershipAnswersAtOnceWhenDecided() {
    Candidacy a = election.campaign("a", TTL);
    Candidacy b = election.campaign("b", TTL);

    assertThat(a.awaitLeadership(Duration.ofSeconds(1))).isTrue();
    assertThat(b.awaitLeadership(Duration.ofMillis(20))).isFalse();
    a.close();
    assertThat(b.awaitLeadership(Duration.ZERO)).isTrue();
  }

  @Test
  void electionsAreSeparateAndKeepOutOfTheInstanceListing() {
    election.campaign("a", TTL);
    Candidacy other = registry.election("pollers").campaign("a", TTL);

    assertThat(other.isLeader()).isTrue();
    assertThat(registry.allInstances()).isEmpty();
    assertThat(registry.history()).isEmpty();
  }

  @Test
  void rejectsBadNamesAndRefusesWhileUnavailable() {
    assertThatThrownBy(() -> registry.election("a/b"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("name must match [A-Za-z0-9._-]{1,128} but was: \"a/b\"");
    assertThatThrownBy(() -> election.campaign("", TTL))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("candidateId must match [A-Za-z0-9._-]{1,128} but was: \"\"");
    try (InjectedFault outage = registry.inject(Fault.unavailable())) {
      assertThatThrownBy(() -> election.campaign("a", TTL)).isInstanceOf(RegistryUnavailableException.class);
    }
  }

  @Test
  void closingTheRegistryResignsEveryCandidacy() {
    Candidacy a = election.campaign("a", TTL);
    registry.close();
    assertThat(a.state()).isEqualTo(CandidacyState.RESIGNED);
  }
}
