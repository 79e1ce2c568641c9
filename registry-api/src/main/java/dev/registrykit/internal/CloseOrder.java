package dev.registrykit.internal;

/**
 * The order in which every registry closes, written once: its watches first (so the deletes that
 * follow reach no listener of its own), then its registrations oldest first (their keys deleted),
 * then its elections (candidacies resigned), then its own threads and connections. Every step runs
 * even if an earlier one throws; the first failure is thrown at the end with the later ones
 * suppressed, so a failing watch cannot leave the registry's keys or threads behind.
 */
public final class CloseOrder {

  private CloseOrder() {
  }

  /**
   * Runs the four steps in the order above.
   *
   * @throws RuntimeException the first step's failure, with any later failures suppressed
   */
  public static void close(Runnable watches, Runnable registrations, Runnable elections, Runnable threads) {
    RuntimeException failure = null;
    for (Runnable step : new Runnable[] {watches, registrations, elections, threads}) {
      try {
        step.run();
      } catch (RuntimeException e) {
        if (failure == null) {
          failure = e;
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
  }
}
