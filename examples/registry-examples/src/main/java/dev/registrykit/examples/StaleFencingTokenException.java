package dev.registrykit.examples;

/**
 * A write to the {@link MigrationLog} carried a fencing token lower than the highest the log has
 * seen: a newer leader has written since, so the writer was deposed (it may not know it yet) and
 * its write is refused.
 */
public final class StaleFencingTokenException extends IllegalStateException {

  private static final long serialVersionUID = 1L;

  private final long fencingToken;
  private final long highestToken;

  /**
   * @param fencingToken the token of the refused write
   * @param highestToken the highest token the log has seen
   */
  public StaleFencingTokenException(long fencingToken, long highestToken) {
    super("fencingToken must be at least " + highestToken + ", the highest this log has seen, but was: "
        + fencingToken + " (a newer leader has written since)");
    this.fencingToken = fencingToken;
    this.highestToken = highestToken;
  }

  /** The token of the refused write. */
  public long fencingToken() {
    return fencingToken;
  }

  /** The highest token the log had seen when it refused the write. */
  public long highestToken() {
    return highestToken;
  }
}
