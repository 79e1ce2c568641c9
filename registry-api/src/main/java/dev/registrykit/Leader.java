package dev.registrykit;

import java.util.Objects;

/**
 * The leader of an election at one moment.
 *
 * @param election     the election's name
 * @param candidateId  who leads
 * @param fencingToken the revision at which the leader's candidacy was created: strictly greater for
 *                     every later leader of the same election, so it guards writes made as leader
 */
public record Leader(String election, String candidateId, long fencingToken) {
  /** Validates every component. */
  public Leader {
    Objects.requireNonNull(election, "election must not be null");
    Objects.requireNonNull(candidateId, "candidateId must not be null");
    if (fencingToken <= 0) {
      throw new IllegalArgumentException("fencingToken must be positive but was: " + fencingToken);
    }
  }
}
