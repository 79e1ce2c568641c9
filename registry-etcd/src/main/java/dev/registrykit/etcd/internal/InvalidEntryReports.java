package dev.registrykit.etcd.internal;

import dev.registrykit.InvalidEntry;
import dev.registrykit.InvalidEntryListener;
import io.etcd.jetcd.KeyValue;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Tells the registry's {@link InvalidEntryListener} of each value that is not an instance once per key
 * and modification revision, however many listings and watches read it. It remembers the revision it
 * told for each bad key, and forgets a key once it holds an instance again, is deleted, or a listing of
 * its prefix no longer has it, so what it holds is bounded by the bad keys in etcd.
 */
public final class InvalidEntryReports {

  private final InvalidEntryListener listener;
  private final ConcurrentMap<String, Long> told = new ConcurrentHashMap<>();

  /** Reports to {@code listener}, which must not throw. */
  public InvalidEntryReports(InvalidEntryListener listener) {
    this.listener = listener;
  }

  /** The value of {@code entry} was read at {@code modRevision}: tells the listener unless it heard of that revision. */
  void invalid(InvalidEntry entry, long modRevision) {
    Long before = told.put(entry.key(), modRevision);
    if (before == null || before != modRevision) {
      listener.invalidEntry(entry);
    }
  }

  /** {@code key} holds an instance, or was deleted. */
  void forget(String key) {
    if (!told.isEmpty()) {
      told.remove(key);
    }
  }

  /** A listing of {@code prefix} found {@code kvs}: forgets the keys under it that it no longer has. */
  void listed(String prefix, List<KeyValue> kvs) {
    if (told.isEmpty()) {
      return;
    }
    Set<String> present = new HashSet<>();
    for (KeyValue kv : kvs) {
      present.add(kv.getKey().toString(StandardCharsets.UTF_8));
    }
    told.keySet().removeIf(key -> key.startsWith(prefix) && !present.contains(key));
  }

  /** How many bad keys are remembered; for tests. */
  int remembered() {
    return told.size();
  }
}
