package dev.registrykit.examples;

/**
 * The work of the migration, one batch at a time: the leader's job calls it for the next batch the
 * {@link MigrationLog} lacks, then records the batch there with its fencing token.
 *
 * <pre>{@code
 * Migration copyOrders = batch -> orders.copyToNewSchema(batch);
 * }</pre>
 */
@FunctionalInterface
public interface Migration {

  /** Does nothing: the job only records the batches (what the tests use). */
  Migration NONE = batch -> { };

  /**
   * Migrates batch {@code batch} (1-based). May take its time; the job's thread is interrupted when
   * the service closes.
   *
   * @throws InterruptedException if interrupted: the batch is not recorded and the job stops
   */
  void migrateBatch(int batch) throws InterruptedException;
}
