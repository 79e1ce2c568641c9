package dev.registrykit.etcd.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.registrykit.CandidacyState;
import dev.registrykit.Leader;
import dev.registrykit.Recovery;
import dev.registrykit.internal.ElectionRule;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * How an election applies listings that come back in any order, and how a candidacy counts its
 * lease: without etcd, by handing the election listings as the threads that race would. The
 * registry's scheduler is shut down, so no timer and no keep-alive runs: what is asserted follows
 * from the listings and the deadline alone.
 */
class EtcdElectionDecisionTest {

  /**
   * The candidacies' TTL. registry-etcd's tests cannot reach {@code TimeScale} (registry-junit depends
   * on this module), so the one bound here that runs on the clock, {@link #aCandidacyWithinItsLeaseIsElected},
   * leaves it two in-memory statements: load cannot stretch them to 10 s.
   */
  private static final Duration TTL = Duration.ofSeconds(10); // time: load-free (a deadline two in-memory statements away)

  private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
  private final ExecutorService events = Executors.newSingleThreadExecutor();
  private final RegistryContext context = new RegistryContext(null, "/services", Duration.ofSeconds(30),
      Duration.ofSeconds(5), Recovery.disabled(), new InvalidEntryReports(entry -> { }), scheduler, events, // time: load-free (no client: no call is made)
      new Calls(Duration.ofSeconds(5), "nowhere"), new Connectivity(null, Runnable::run), // time: load-free (no client: no call is made)
      new RateLimitedLog.PerMessage(System.getLogger(EtcdElectionDecisionTest.class.getName()), Duration.ofSeconds(10)),
      dev.registrykit.internal.InstanceCodec.Format.ORIGIN);
  private final EtcdElection election = new EtcdElection(context, "migrations");

  EtcdElectionDecisionTest() {
    scheduler.shutdownNow();
  }

  @AfterEach
  void stopEvents() throws InterruptedException {
    drainEvents();
  }

  @Test
  void aListingMadeBeforeACandidacysKeyWasCreatedDoesNotEndIt() {
    long early = election.nextTicket(); // a re-decision lists before b's put (revision 12)...
    EtcdCandidacy b = candidacy("b", 12);
    election.track(b); // ...b campaigns...

    election.decide(listing(11, early, entry("a", 5))); // ...and the early listing is applied after

    assertThat(b.state()).isEqualTo(CandidacyState.WAITING);
    assertThat(election.lastKnownLeader()).contains(new Leader("migrations", "a", 5));
    election.decide(listing(12, election.nextTicket(), entry("a", 5), entry("b", 12)));
    assertThat(b.state()).isEqualTo(CandidacyState.WAITING);
  }

  @Test
  void aListingOlderThanTheOneAppliedIsIgnored() {
    EtcdCandidacy a = candidacy("a", 5);
    EtcdCandidacy b = candidacy("b", 12);
    election.track(a);
    election.track(b);
    long older = election.nextTicket();
    long newer = election.nextTicket();
    election.decide(listing(13, newer, entry("a", 5), entry("b", 12)));
    election.decide(listing(20, newer, entry("b", 12))); // a resigned

    election.decide(listing(15, older, entry("a", 5), entry("b", 12))); // sent earlier, came back last

    assertThat(election.lastKnownLeader()).contains(new Leader("migrations", "b", 12));
    assertThat(b.state()).isEqualTo(CandidacyState.LEADING);
    assertThat(b.fencingToken()).hasValue(12);
    assertThat(a.state()).isEqualTo(CandidacyState.LOST);
  }

  @Test
  void aLowerRevisionListedAfterTheLastDecisionMeansEtcdWentBack() {
    election.decide(listing(20, election.nextTicket(), entry("b", 12)));

    election.decide(listing(3, election.nextTicket(), entry("c", 2))); // etcd wiped: revisions start again

    assertThat(election.lastKnownLeader()).contains(new Leader("migrations", "c", 2));
  }

  @Test
  void aCandidacyPastItsLeaseDeadlineIsLostWhenReadAndNeverElected() throws InterruptedException {
    EtcdCandidacy a = candidacy("a", 5);
    election.track(a);
    List<String> states = new CopyOnWriteArrayList<>();
    a.addListener((candidacy, from, to) -> states.add(from + "->" + to));
    a.startKeepAlive(System.nanoTime() - TTL.toNanos()); // its last keep-alive went out a TTL ago; no timer runs

    assertThat(a.state()).isEqualTo(CandidacyState.LOST);
    election.decide(listing(6, election.nextTicket(), entry("a", 5))); // etcd has not let the key go yet
    assertThat(a.state()).isEqualTo(CandidacyState.LOST);
    assertThat(a.fencingToken()).isEmpty();
    assertThat(a.awaitLeadership(Duration.ZERO)).isFalse();
    drainEvents();
    assertThat(states).containsExactly("WAITING->LOST");
  }

  @Test
  void aCandidacyWithinItsLeaseIsElected() {
    EtcdCandidacy a = candidacy("a", 5);
    election.track(a);
    a.startKeepAlive(System.nanoTime());

    election.decide(listing(6, election.nextTicket(), entry("a", 5)));

    assertThat(a.state()).isEqualTo(CandidacyState.LEADING);
    assertThat(a.fencingToken()).hasValue(5);
  }

  // ------------------------------------------------------------------------------ helpers

  private EtcdCandidacy candidacy(String id, long createRevision) {
    return new EtcdCandidacy(context, election, id, key(id), createRevision, createRevision, TTL);
  }

  private static String key(String id) {
    return "/services-elections/migrations/" + id;
  }

  private static ElectionRule.Candidate entry(String id, long createRevision) {
    return new ElectionRule.Candidate(key(id), id, createRevision);
  }

  private static EtcdElection.Listing listing(long revision, long ticket, ElectionRule.Candidate... entries) {
    return new EtcdElection.Listing(revision, ticket, List.of(entries));
  }

  /** Lets the events thread tell the listeners what is queued, and stops it. */
  private void drainEvents() throws InterruptedException {
    events.shutdown();
    assertThat(events.awaitTermination(5, TimeUnit.SECONDS)).isTrue(); // time: load-free (a hang detector: a few queued listener calls, in memory)
  }
}
