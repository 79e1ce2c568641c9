package dev.registrykit;

import java.util.Objects;

/**
 * A change seen by a watch: an instance was {@link Added}, {@link Updated} or {@link Removed}.
 *
 * <p>Every event carries the registry revision at which the change happened (etcd's {@code
 * mod_revision}; the fake's counter): one watcher never sees a revision go down.
 *
 * <pre>{@code
 * switch (event) { // Java 21; on 17 use instanceof
 *   case RegistryEvent.Added a -> route(a.instance());
 *   case RegistryEvent.Updated u -> reroute(u.previous(), u.instance());
 *   case RegistryEvent.Removed r -> drop(r.instance());
 * }
 * }</pre>
 */
public sealed interface RegistryEvent permits RegistryEvent.Added, RegistryEvent.Updated, RegistryEvent.Removed {

  /** The instance the event is about (for {@link Removed}, as it was last seen). */
  ServiceInstance instance();

  /** The registry revision of the change, positive. */
  long revision();

  /**
   * An instance appeared, or was present when the watch started.
   *
   * @param instance the instance
   * @param revision the revision at which it was written
   */
  record Added(ServiceInstance instance, long revision) implements RegistryEvent {
    /** Validates both components. */
    public Added {
      Objects.requireNonNull(instance, "instance must not be null");
      requirePositive(revision);
    }
  }

  /**
   * An instance id was registered again with other data.
   *
   * @param instance the instance now
   * @param previous the instance before the change
   * @param revision the revision of the change
   */
  record Updated(ServiceInstance instance, ServiceInstance previous, long revision) implements RegistryEvent {
    /** Validates every component. */
    public Updated {
      Objects.requireNonNull(instance, "instance must not be null");
      Objects.requireNonNull(previous, "previous must not be null");
      requirePositive(revision);
    }
  }

  /**
   * An instance went away: deregistered, or its lease expired.
   *
   * @param instance the instance as it was last seen
   * @param revision the revision of the removal
   */
  record Removed(ServiceInstance instance, long revision) implements RegistryEvent {
    /** Validates both components. */
    public Removed {
      Objects.requireNonNull(instance, "instance must not be null");
      requirePositive(revision);
    }
  }

  private static void requirePositive(long revision) {
    if (revision <= 0) {
      throw new IllegalArgumentException("revision must be positive but was: " + revision);
    }
  }
}
