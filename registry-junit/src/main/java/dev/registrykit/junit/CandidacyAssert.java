package dev.registrykit.junit;

import dev.registrykit.Candidacy;
import dev.registrykit.CandidacyState;
import org.assertj.core.api.AbstractAssert;

/** Assertions on a {@link Candidacy}; start from {@link RegistryAssertions#assertThat(Candidacy)}. */
public final class CandidacyAssert extends AbstractAssert<CandidacyAssert, Candidacy> {

  CandidacyAssert(Candidacy actual) {
    super(actual, CandidacyAssert.class);
  }

  /** It leads. */
  public CandidacyAssert isLeading() {
    return hasState(CandidacyState.LEADING);
  }

  /** It waits behind an earlier candidate. */
  public CandidacyAssert isWaiting() {
    return hasState(CandidacyState.WAITING);
  }

  /** It lost its lease: no longer leads nor waits. */
  public CandidacyAssert isLost() {
    return hasState(CandidacyState.LOST);
  }

  /** It resigned. */
  public CandidacyAssert isResigned() {
    return hasState(CandidacyState.RESIGNED);
  }

  /** It is in {@code expected}. */
  public CandidacyAssert hasState(CandidacyState expected) {
    isNotNull();
    CandidacyState state = actual.state();
    if (state != expected) {
      failWithMessage("Expecting candidacy of %s in %s to be %s but was %s", actual.candidateId(), actual.election(),
          expected, state);
    }
    return this;
  }
}
