package dev.registrykit.junit;

import dev.registrykit.RegistryEvent;
import dev.registrykit.RegistryListener;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@link RegistryListener} that records every event, thread-safely, for assertions.
 *
 * <pre>{@code
 * RecordingListener events = new RecordingListener();
 * registry.watch("orders", events);
 * ...
 * assertThat(events).sawAdded(instance).sawRemoved(instance);
 * }</pre>
 */
public final class RecordingListener implements RegistryListener {

  private final List<RegistryEvent> events = new ArrayList<>();

  /** A listener that has recorded nothing yet. */
  public RecordingListener() {
  }

  @Override
  public synchronized void onEvent(RegistryEvent event) {
    events.add(event);
  }

  /** What was recorded so far, in arrival order. */
  public synchronized List<RegistryEvent> events() {
    return List.copyOf(events);
  }

  /** Forgets what was recorded. */
  public synchronized void clear() {
    events.clear();
  }

  @Override
  public synchronized String toString() {
    return Describe.events(events);
  }
}
