package dev.registrykit;

import java.util.Optional;

/** Hears who leads an election: once when observing starts, then at every change. */
@FunctionalInterface
public interface LeaderListener {

  /** The leader now, or empty while nobody leads. */
  void leaderChanged(Optional<Leader> leader);
}
