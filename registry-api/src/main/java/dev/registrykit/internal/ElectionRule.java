package dev.registrykit.internal;

import dev.registrykit.Leader;
import java.util.Objects;
import java.util.Optional;

/**
 * How an election is kept in the store, written once for both registries, as etcd's concurrency
 * package does it: each candidate puts {@code {namespace}-elections/{election}/{leaseId}} (the lease
 * id in 16 hex digits) on its own lease, with its candidate id as the value; the key with the
 * smallest create revision leads, and that revision is its fencing token.
 */
public final class ElectionRule {

  private ElectionRule() {
  }

  /** The root under which every election of {@code namespace} keeps its keys. */
  public static String root(String namespace) {
    return namespace + "-elections/";
  }

  /** The prefix of election {@code election}'s keys. */
  public static String prefix(String namespace, String election) {
    return root(namespace) + election + "/";
  }

  /** A candidate's key: the election's prefix and its lease id, so that keys sort in campaign order. */
  public static String candidateKey(String prefix, long leaseId) {
    return prefix + String.format("%016x", leaseId);
  }

  /**
   * One candidate's key as the store has it.
   *
   * @param key            the full key
   * @param candidateId    its value, the candidate id
   * @param createRevision the revision that created the key
   */
  public record Candidate(String key, String candidateId, long createRevision) {
    /** Checks the key and the candidate id are there. */
    public Candidate {
      Objects.requireNonNull(key, "key must not be null");
      Objects.requireNonNull(candidateId, "candidateId must not be null");
    }

    /** This candidate as the leader of {@code election}, its create revision the fencing token. */
    public Leader asLeader(String election) {
      return new Leader(election, candidateId, createRevision);
    }
  }

  /** The leader among {@code candidates}: the smallest create revision (the first of equal ones), if any. */
  public static Optional<Candidate> leader(Iterable<Candidate> candidates) {
    Candidate first = null;
    for (Candidate candidate : candidates) {
      if (first == null || candidate.createRevision() < first.createRevision()) {
        first = candidate;
      }
    }
    return Optional.ofNullable(first);
  }
}
