package dev.registrykit;

import java.util.List;
import java.util.Objects;

/**
 * What changed in a {@link ServiceCache}: instances that came ({@link #added()}), went ({@link
 * #removed()}) or were registered again with other data ({@link #updated()}), and its state. One
 * registry event makes one change; a state change makes a change with no instances in it. Only
 * instances that pass the cache's filter count: an instance updated so that it no longer passes is
 * removed, one updated so that it passes now is added.
 *
 * <pre>{@code
 * cache.addListener(change -> {
 *   change.removed().forEach(gone -> pool.evict(gone.address()));
 *   balancer.update(change.instances());
 * });
 * }</pre>
 *
 * @param added         instances that appeared, sorted by instance id
 * @param removed       instances that went away, as they were last seen, sorted by instance id
 * @param updated       instances registered again with other data, each with its previous value
 * @param previousState the cache's state before this change
 * @param state         the cache's state after this change
 * @param instances     every instance of the cache after this change, as {@link ServiceCache#instances()}
 */
public record CacheChange(List<ServiceInstance> added, List<ServiceInstance> removed, List<Updated> updated,
    CacheState previousState, CacheState state, List<ServiceInstance> instances) {

  /** Validates and copies every component. */
  public CacheChange {
    added = List.copyOf(Objects.requireNonNull(added, "added must not be null"));
    removed = List.copyOf(Objects.requireNonNull(removed, "removed must not be null"));
    updated = List.copyOf(Objects.requireNonNull(updated, "updated must not be null"));
    Objects.requireNonNull(previousState, "previousState must not be null");
    Objects.requireNonNull(state, "state must not be null");
    instances = List.copyOf(Objects.requireNonNull(instances, "instances must not be null"));
  }

  /** Whether the state changed (then nothing else did). */
  public boolean stateChanged() {
    return previousState != state;
  }

  /**
   * An instance id registered again with other data (another address, other metadata).
   *
   * @param instance the instance now
   * @param previous the instance before
   */
  public record Updated(ServiceInstance instance, ServiceInstance previous) {
    /** Validates both components. */
    public Updated {
      Objects.requireNonNull(instance, "instance must not be null");
      Objects.requireNonNull(previous, "previous must not be null");
    }
  }
}
