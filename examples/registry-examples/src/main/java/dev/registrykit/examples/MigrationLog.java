package dev.registrykit.examples;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * Where the migration records its progress, batch by batch: the store every instance shares (in
 * a real service, a table in the database the migration changes), here in memory. It is the guard
 * that makes leadership safe: it remembers the highest fencing token it has seen and refuses a
 * write that carries a lower one, so a leader that was deposed while it was busy (a long pause, a
 * network cut) cannot overwrite what its successor wrote, even before it learns it lost.
 *
 * <pre>{@code
 * MigrationLog log = MigrationLog.ofBatches(3);
 * log.record(7, 1, "i-1");   // the leader with token 7 migrated batch 1
 * log.record(9, 2, "i-2");   // a newer leader (token 9) took over
 * log.record(7, 3, "i-1");   // StaleFencingTokenException: 7 < 9
 * }</pre>
 *
 * <p>Thread-safe.
 */
public final class MigrationLog {

  private final int batches;
  private final List<Entry> entries = new ArrayList<>();
  private long highestToken;

  private MigrationLog(int batches) {
    this.batches = batches;
  }

  /**
   * An empty log of a migration of {@code batches} batches.
   *
   * @throws IllegalArgumentException if {@code batches} is less than 1
   */
  public static MigrationLog ofBatches(int batches) {
    if (batches < 1) {
      throw new IllegalArgumentException("batches must be at least 1 but was: " + batches);
    }
    return new MigrationLog(batches);
  }

  /** How many batches the migration has. */
  public int batches() {
    return batches;
  }

  /** The first batch not recorded yet; empty once the migration is complete. */
  public synchronized OptionalInt nextBatch() {
    return isComplete() ? OptionalInt.empty() : OptionalInt.of(entries.size() + 1);
  }

  /** Whether every batch is recorded. */
  public synchronized boolean isComplete() {
    return entries.size() == batches;
  }

  /**
   * Records that {@code instanceId}, leading with {@code fencingToken}, migrated {@code batch}.
   *
   * @throws StaleFencingTokenException if a write with a higher token was accepted before
   * @throws IllegalArgumentException   if the token is not positive, or {@code batch} is not the next one
   */
  public synchronized void record(long fencingToken, int batch, String instanceId) {
    Entry entry = new Entry(batch, instanceId, fencingToken);
    if (fencingToken < highestToken) {
      throw new StaleFencingTokenException(fencingToken, highestToken);
    }
    if (isComplete()) {
      throw new IllegalArgumentException("batch must not be written: all " + batches
          + " batches are recorded, but was: " + batch);
    }
    if (batch != entries.size() + 1) {
      throw new IllegalArgumentException("batch must be " + (entries.size() + 1) + ", the next of " + batches
          + ", but was: " + batch);
    }
    highestToken = fencingToken;
    entries.add(entry);
  }

  /** The highest fencing token of an accepted write; 0 before the first. */
  public synchronized long highestToken() {
    return highestToken;
  }

  /** The accepted writes, in order. */
  public synchronized List<Entry> entries() {
    return List.copyOf(entries);
  }

  /**
   * One accepted write: a batch migrated by a leader.
   *
   * @param batch        the batch, from 1
   * @param instanceId   the leader that migrated it
   * @param fencingToken the leader's fencing token
   */
  public record Entry(int batch, String instanceId, long fencingToken) {
    /** Validates every component. */
    public Entry {
      if (batch < 1) {
        throw new IllegalArgumentException("batch must be at least 1 but was: " + batch);
      }
      Objects.requireNonNull(instanceId, "instanceId must not be null");
      if (fencingToken <= 0) {
        throw new IllegalArgumentException("fencingToken must be positive but was: " + fencingToken);
      }
    }
  }
}
