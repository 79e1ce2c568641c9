package dev.registrykit;

/** Where a {@link Candidacy} stands. */
public enum CandidacyState {
  /** In the queue behind an earlier candidate. */
  WAITING,
  /** Leading: the earliest live candidate. */
  LEADING,
  /** Its lease ran out or keep-alive failed for a whole TTL: it no longer leads nor waits. Final. */
  LOST,
  /** Resigned (or its registry closed). Final. */
  RESIGNED
}
