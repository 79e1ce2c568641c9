package dev.registrykit.junit;

import dev.registrykit.RegistryEvent;
import dev.registrykit.ServiceInstance;
import java.util.List;
import java.util.Objects;
import org.assertj.core.api.AbstractAssert;

/**
 * Assertions on what a {@link RecordingListener} saw; start from {@link
 * RegistryAssertions#assertThat(RecordingListener)}.
 */
public final class RecordingListenerAssert extends AbstractAssert<RecordingListenerAssert, RecordingListener> {

  RecordingListenerAssert(RecordingListener actual) {
    super(actual, RecordingListenerAssert.class);
  }

  /** An {@link RegistryEvent.Added} of exactly {@code instance} was seen. */
  public RecordingListenerAssert sawAdded(ServiceInstance instance) {
    return saw(RegistryEvent.Added.class, instance);
  }

  /** An {@link RegistryEvent.Updated} to exactly {@code instance} was seen. */
  public RecordingListenerAssert sawUpdated(ServiceInstance instance) {
    return saw(RegistryEvent.Updated.class, instance);
  }

  /** A {@link RegistryEvent.Removed} of {@code instance}'s service and id was seen. */
  public RecordingListenerAssert sawRemoved(ServiceInstance instance) {
    isNotNull();
    Objects.requireNonNull(instance, "instance must not be null");
    List<RegistryEvent> events = actual.events();
    boolean seen = events.stream().anyMatch(e -> e instanceof RegistryEvent.Removed
        && e.instance().serviceName().equals(instance.serviceName())
        && e.instance().instanceId().equals(instance.instanceId()));
    if (!seen) {
      failWithMessage("Expecting events to contain Removed of %s but saw: %s",
          Describe.instance(instance), Describe.events(events));
    }
    return this;
  }

  /** Exactly {@code count} events were seen. */
  public RecordingListenerAssert hasEventCount(int count) {
    isNotNull();
    List<RegistryEvent> events = actual.events();
    if (events.size() != count) {
      failWithMessage("Expecting %s event(s) but saw %s: %s", count, events.size(), Describe.events(events));
    }
    return this;
  }

  /** The revisions seen strictly increase (no event repeated or out of order). */
  public RecordingListenerAssert hasIncreasingRevisions() {
    isNotNull();
    List<RegistryEvent> events = actual.events();
    for (int i = 1; i < events.size(); i++) {
      if (events.get(i).revision() <= events.get(i - 1).revision()) {
        failWithMessage("Expecting strictly increasing revisions but %s came after %s in: %s",
            Describe.event(events.get(i)), Describe.event(events.get(i - 1)), Describe.events(events));
      }
    }
    return this;
  }

  /**
   * The watcher's events are a faithful account of the registry: in revision order, none repeated,
   * and complete: replaying them (Added and Updated put, Removed takes away) from nothing gives
   * exactly {@code finalListing}, what the registry lists once the events have settled. Use it on a
   * watcher started before anything it should see, or right after a listing it got with its
   * initial Added events.
   *
   * <pre>{@code
   * time.eventually(() -> assertThat(events).replaysTo(registry.allInstances()));
   * }</pre>
   */
  public RecordingListenerAssert replaysTo(List<ServiceInstance> finalListing) {
    isNotNull();
    Objects.requireNonNull(finalListing, "finalListing must not be null");
    List<RegistryEvent> events = actual.events();
    java.util.Set<String> seen = new java.util.HashSet<>();
    java.util.Map<String, ServiceInstance> replayed = new java.util.TreeMap<>();
    long previous = 0;
    for (RegistryEvent event : events) {
      String key = Describe.instance(event.instance());
      if (event.revision() < previous) {
        failWithMessage("Expecting events in revision order but %s came after revision %s in: %s",
            Describe.event(event), previous, Describe.events(events));
      }
      if (!seen.add(key + "@" + event.revision())) {
        failWithMessage("Expecting no repeated event but %s came twice in: %s", Describe.event(event),
            Describe.events(events));
      }
      previous = event.revision();
      if (event instanceof RegistryEvent.Removed) {
        replayed.remove(key);
      } else {
        replayed.put(key, event.instance());
      }
    }
    java.util.Map<String, ServiceInstance> expected = new java.util.TreeMap<>();
    for (ServiceInstance instance : finalListing) {
      expected.put(Describe.instance(instance), instance);
    }
    if (!replayed.equals(expected)) {
      failWithMessage("Expecting the events to replay to %s but they replay to %s; events: %s",
          expected.keySet(), replayed.keySet(), Describe.events(events));
    }
    return this;
  }

  private RecordingListenerAssert saw(Class<? extends RegistryEvent> kind, ServiceInstance instance) {
    isNotNull();
    Objects.requireNonNull(instance, "instance must not be null");
    List<RegistryEvent> events = actual.events();
    boolean seen = events.stream().anyMatch(e -> kind.isInstance(e) && e.instance().equals(instance));
    if (!seen) {
      failWithMessage("Expecting events to contain %s of %s but saw: %s",
          kind.getSimpleName(), Describe.instance(instance), Describe.events(events));
    }
    return this;
  }
}
