package dev.registrykit.junit;

import dev.registrykit.Election;
import dev.registrykit.Leader;
import java.util.Optional;
import org.assertj.core.api.AbstractAssert;

/** Assertions on who leads an {@link Election}; start from {@link RegistryAssertions#assertThat(Election)}. */
public final class ElectionAssert extends AbstractAssert<ElectionAssert, Election> {

  ElectionAssert(Election actual) {
    super(actual, ElectionAssert.class);
  }

  /** {@code candidateId} leads now. */
  public ElectionAssert hasLeader(String candidateId) {
    isNotNull();
    Optional<Leader> leader = actual.leader();
    if (leader.isEmpty() || !leader.get().candidateId().equals(candidateId)) {
      failWithMessage("Expecting election %s to be led by %s but %s", actual.name(), candidateId,
          leader.map(l -> "it was led by " + l.candidateId()).orElse("nobody led it"));
    }
    return this;
  }

  /**
   * {@code candidateId} does not lead now (nobody does, or another candidate does): what a test asserts
   * once a leader has crashed, resigned or been cut off.
   */
  public ElectionAssert isNotLedBy(String candidateId) {
    isNotNull();
    Optional<Leader> leader = actual.leader();
    if (leader.isPresent() && leader.get().candidateId().equals(candidateId)) {
      failWithMessage("Expecting election %s not to be led by %s but it was, with fencing token %s", actual.name(),
          candidateId, leader.get().fencingToken());
    }
    return this;
  }

  /** Nobody leads now. */
  public ElectionAssert hasNoLeader() {
    isNotNull();
    Optional<Leader> leader = actual.leader();
    if (leader.isPresent()) {
      failWithMessage("Expecting election %s to have no leader but it was led by %s", actual.name(),
          leader.get().candidateId());
    }
    return this;
  }
}
