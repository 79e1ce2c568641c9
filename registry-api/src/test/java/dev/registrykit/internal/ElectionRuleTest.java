package dev.registrykit.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.registrykit.Leader;
import dev.registrykit.internal.ElectionRule.Candidate;
import java.util.List;
import org.junit.jupiter.api.Test;

class ElectionRuleTest {

  @Test
  void keysAreTheElectionsPrefixAndTheLeaseIdInSixteenHexDigits() {
    assertThat(ElectionRule.root("/services")).isEqualTo("/services-elections/");
    String prefix = ElectionRule.prefix("/services", "pollers");
    assertThat(prefix).isEqualTo("/services-elections/pollers/");
    assertThat(ElectionRule.candidateKey(prefix, 0x694d7e2a1b3cL)).isEqualTo("/services-elections/pollers/0000694d7e2a1b3c");
  }

  @Test
  void candidateKeysSortInLeaseOrder() {
    String prefix = ElectionRule.prefix("/s", "e");
    assertThat(ElectionRule.candidateKey(prefix, 0xfL)).isLessThan(ElectionRule.candidateKey(prefix, 0x10L));
  }

  @Test
  void theSmallestCreateRevisionLeadsWhateverTheKeyOrder() {
    Candidate late = new Candidate("/s-elections/e/01", "late", 9);
    Candidate early = new Candidate("/s-elections/e/02", "early", 4);
    Candidate middle = new Candidate("/s-elections/e/03", "middle", 6);

    assertThat(ElectionRule.leader(List.of(late, early, middle))).contains(early);
  }

  @Test
  void ofEqualCreateRevisionsTheFirstLeads() {
    Candidate a = new Candidate("/s-elections/e/01", "a", 4);
    Candidate b = new Candidate("/s-elections/e/02", "b", 4);

    assertThat(ElectionRule.leader(List.of(a, b))).contains(a);
  }

  @Test
  void noCandidateNoLeader() {
    assertThat(ElectionRule.leader(List.of())).isEmpty();
  }

  @Test
  void theLeadersFencingTokenIsItsCreateRevision() {
    assertThat(new Candidate("/s-elections/e/01", "a", 12).asLeader("e")).isEqualTo(new Leader("e", "a", 12));
  }
}
