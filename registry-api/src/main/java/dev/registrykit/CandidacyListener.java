package dev.registrykit;

/** Hears the state changes of one {@link Candidacy}, in order, never concurrently. */
@FunctionalInterface
public interface CandidacyListener {

  /** The candidacy went from {@code previous} to {@code current}. */
  void stateChanged(Candidacy candidacy, CandidacyState previous, CandidacyState current);
}
