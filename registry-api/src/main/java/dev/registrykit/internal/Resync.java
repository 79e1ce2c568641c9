package dev.registrykit.internal;

import dev.registrykit.RegistryEvent;
import dev.registrykit.ServiceInstance;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

/**
 * What a watch that cannot resume from its revision (its history compacted, its stream broken, etcd's
 * data wiped) tells its listener after listing again: the differences between what it told before
 * and the listing, written once for both registries.
 */
public final class Resync {

  private Resync() {
  }

  /**
   * An instance under a key, as a watch told it or a listing shows it.
   *
   * @param instance    the instance
   * @param modRevision the revision of the write that stored it
   */
  public record Known(ServiceInstance instance, long modRevision) {
    /** Checks that there is an instance. */
    public Known {
      Objects.requireNonNull(instance, "instance must not be null");
    }
  }

  /**
   * One difference to tell.
   *
   * @param key   the key that changed
   * @param event what the listener hears
   */
  public record Difference(String key, RegistryEvent event) {
  }

  /**
   * The differences between what a watch told its listener and what it lists now: {@link
   * RegistryEvent.Added} for a key it did not know, at its write's revision; {@link
   * RegistryEvent.Updated} (with the {@code previous} it knew) for a key whose instance changed, at its
   * write's revision; {@link RegistryEvent.Removed} for a key gone, at {@code removedAt}. Nothing for a
   * key whose instance is unchanged (even if written again meanwhile), nor for one that came and
   * went. In revision order, ties in key order.
   *
   * @param told      what the listener was told, by key
   * @param listed    the instances listed now, by key (values that are not instances left out)
   * @param removedAt the revision of the listing, at which the Removed events are told
   */
  public static List<Difference> differences(Map<String, Known> told, Map<String, Known> listed, long removedAt) {
    TreeSet<String> keys = new TreeSet<>(told.keySet());
    keys.addAll(listed.keySet());
    List<Difference> differences = new ArrayList<>();
    for (String key : keys) {
      Known before = told.get(key);
      Known after = listed.get(key);
      if (before == null) {
        differences.add(new Difference(key, new RegistryEvent.Added(after.instance(), after.modRevision())));
      } else if (after == null) {
        differences.add(new Difference(key, new RegistryEvent.Removed(before.instance(), removedAt)));
      } else if (!before.instance().equals(after.instance())) {
        differences.add(new Difference(key,
            new RegistryEvent.Updated(after.instance(), before.instance(), after.modRevision())));
      }
    }
    differences.sort(Comparator.comparingLong(difference -> difference.event().revision())); // stable: ties in key order
    return differences;
  }
}
