package dev.registrykit.internal;

import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A registry's open registrations, oldest first, and which one is live for each key: the bookkeeping
 * behind replace-on-re-register in both registries. Registering an instance whose key a registration
 * of the same registry already holds makes the new one live; the registry then retires the one
 * {@link #add} returns without deleting the key (its put moved the key to the new lease, so revoking
 * the old lease deletes nothing). Thread-safe: every method holds this object's lock, briefly, and
 * calls nothing outside.
 *
 * @param <R> the registry's registration type
 */
public final class LiveRegistrations<R> {

  private final Set<R> open = new LinkedHashSet<>();
  private final Map<String, R> liveByKey = new HashMap<>();

  /**
   * Adds {@code registration} as the live one of {@code key}.
   *
   * @return the registration it replaces as the key's live one, to be retired, if there was one
   */
  public synchronized Optional<R> add(String key, R registration) {
    Validation.requireNonNull(key, "key");
    Validation.requireNonNull(registration, "registration");
    open.add(registration);
    return Optional.ofNullable(liveByKey.put(key, registration));
  }

  /** Forgets {@code registration} (closed, retired or lost for good); the key's live one only if it is that one. */
  public synchronized void forget(String key, R registration) {
    open.remove(registration);
    liveByKey.remove(key, registration);
  }

  /** The open registrations, oldest first: the order a registry closes them in. A copy. */
  public synchronized List<R> oldestFirst() {
    return List.copyOf(open);
  }
}
