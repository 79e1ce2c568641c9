package dev.registrykit.fake;

import dev.registrykit.InvalidEntry;
import dev.registrykit.RegistryEvent;
import dev.registrykit.ServiceInstance;
import dev.registrykit.internal.InstanceCodec;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The "server"'s key-value store: keys with their values, leases and revisions, the store revision
 * (1 before the first write; a put, a delete and a lease revoke each take the next one), and the
 * history of events. A write re-decides the election its key belongs to, or tells the watches.
 */
final class Store {

  private final FakeContext context;
  /** Under lock, as everything here. */
  private final TreeMap<String, Entry> entries = new TreeMap<>();
  private long revision = 1;
  private final ArrayDeque<RegistryEvent> history = new ArrayDeque<>();

  Store(FakeContext context) {
    this.context = context;
  }

  /** One key's value, as written. */
  static final class Entry {
    final String value;
    final long leaseId;
    final long createRevision;
    final long modRevision;
    /** The value decoded once when written: the instance, or null with the reason it is not one. */
    final ServiceInstance instance;
    final String invalidReason;
    /** Whether the invalid-entry listener has heard of this value (once per key and revision). */
    boolean reported;

    Entry(String value, long leaseId, long createRevision, long modRevision, ServiceInstance instance,
        String invalidReason) {
      this.value = value;
      this.leaseId = leaseId;
      this.createRevision = createRevision;
      this.modRevision = modRevision;
      this.instance = instance;
      this.invalidReason = invalidReason;
    }
  }

  /** The store revision now: that of the last write. Under lock. */
  long revision() {
    return revision;
  }

  /** Takes the next revision, for a delete or a revoke. Under lock. */
  void nextRevision() {
    revision++;
  }

  /** The entries whose keys start with {@code prefix}, in key order. Under lock. */
  SortedMap<String, Entry> subMap(String prefix) {
    return entries.subMap(prefix, prefix + Character.MAX_VALUE);
  }

  /** Under lock. */
  boolean contains(String key) {
    return entries.containsKey(key);
  }

  /** Every key now with the id of its lease (0: none), in key order. */
  SortedMap<String, Long> keysWithLeases() {
    synchronized (context.lock) {
      SortedMap<String, Long> result = new TreeMap<>();
      entries.forEach((key, entry) -> result.put(key, entry.leaseId));
      return result;
    }
  }

  /**
   * The instances stored under {@code prefix}, in key order, for this registry's call {@code call};
   * values that are not instances are skipped and reported.
   */
  List<ServiceInstance> list(String prefix, String call) {
    List<ServiceInstance> result = new ArrayList<>();
    List<InvalidEntry> invalid = new ArrayList<>();
    synchronized (context.lock) {
      context.checkUsable(call);
      for (Map.Entry<String, Entry> e : subMap(prefix).entrySet()) {
        ServiceInstance instance = instanceOf(e.getKey(), e.getValue(), invalid);
        if (instance != null) {
          result.add(instance);
        }
      }
    }
    context.callbacks.report(invalid);
    return result;
  }

  /**
   * The instance stored in {@code entry}, or null if its value is not one; added to {@code invalid} the
   * first time only, so that each key and revision is reported once. Under lock.
   */
  static ServiceInstance instanceOf(String key, Entry entry, List<InvalidEntry> invalid) {
    if (entry.instance == null && entry.invalidReason != null && invalid != null && !entry.reported) {
      entry.reported = true;
      invalid.add(new InvalidEntry(key, entry.value, entry.invalidReason));
    }
    return entry.instance;
  }

  // ------------------------------------------------------------------------------------ another program's calls

  /** See {@link FakeRegistry#putRaw(String, String)}; the arguments are checked already. */
  void putRaw(String key, String value) {
    synchronized (context.lock) {
      context.checkOtherClient("putRaw");
      put(key, value, 0);
    }
    context.callbacks.deliver();
  }

  /** See {@link FakeRegistry#putRaw(String, String, Duration)}; {@code granted} is the TTL granted. */
  void putRaw(String key, String value, Duration granted) {
    synchronized (context.lock) {
      context.checkOtherClient("putRaw");
      Lessor.Lease lease = context.lessor.grant(granted);
      put(key, value, lease.id);
    }
    context.callbacks.deliver();
  }

  /** See {@link FakeRegistry#deleteRaw(String)}. */
  boolean deleteRaw(String key) {
    boolean existed;
    synchronized (context.lock) {
      context.checkOtherClient("deleteRaw");
      existed = entries.containsKey(key);
      if (existed) {
        revision++;
        delete(key);
      }
    }
    context.callbacks.deliver();
    return existed;
  }

  /** See {@link FakeRegistry#getRaw(String)}. */
  Optional<String> getRaw(String key) {
    synchronized (context.lock) {
      context.checkOtherClient("getRaw");
      Entry entry = entries.get(key);
      return entry == null ? Optional.empty() : Optional.of(entry.value);
    }
  }

  // ------------------------------------------------------------------------------------ writes

  /** One write: a put at a new revision. Under lock. */
  void put(String key, String value, long leaseId) {
    put(key, value, leaseId, null);
  }

  /** One write; {@code known} is the instance {@code value} encodes, when the caller has it. Under lock. */
  void put(String key, String value, long leaseId, ServiceInstance known) {
    revision++;
    Entry previous = entries.get(key);
    if (previous != null && previous.leaseId != 0) {
      Lessor.Lease old = context.lessor.get(previous.leaseId);
      if (old != null) {
        old.keys.remove(key);
      }
    }
    boolean election = key.startsWith(context.elections.root());
    ServiceInstance after = null;
    String invalidReason = null;
    if (!election) {
      if (known != null) {
        after = known;
      } else {
        try {
          after = InstanceCodec.decode(context.settings.namespace(), key, value);
        } catch (InstanceCodec.InvalidValueException e) {
          invalidReason = e.getMessage();
          if (!context.closed) { // a closed registry reads nothing, so it reports nothing
            InvalidEntry entry = new InvalidEntry(key, value, invalidReason);
            context.callbacks.queue(() -> context.callbacks.report(List.of(entry)));
          }
        }
      }
    }
    Entry written = new Entry(value, leaseId, previous == null ? revision : previous.createRevision, revision,
        after, invalidReason);
    written.reported = invalidReason != null && !context.closed; // reported above, when written
    entries.put(key, written);
    if (leaseId != 0) {
      context.lessor.get(leaseId).keys.add(key);
    }
    if (context.elections.changed(key)) {
      return;
    }
    ServiceInstance before = previous == null ? null : previous.instance;
    RegistryEvent event = null;
    if (after != null) {
      event = before == null
          ? new RegistryEvent.Added(after, revision)
          : new RegistryEvent.Updated(after, before, revision);
    } else if (before != null) {
      event = new RegistryEvent.Removed(before, revision);
    }
    publish(key, event);
  }

  /** Deletes {@code key} at the current revision (the caller bumped it). Under lock. */
  void delete(String key) {
    Entry previous = entries.remove(key);
    if (previous == null) {
      return;
    }
    if (previous.leaseId != 0) {
      Lessor.Lease lease = context.lessor.get(previous.leaseId);
      if (lease != null) {
        lease.keys.remove(key);
      }
    }
    if (context.elections.changed(key)) {
      return;
    }
    if (previous.instance != null) {
      publish(key, new RegistryEvent.Removed(previous.instance, revision));
    }
  }

  private void publish(String key, RegistryEvent event) {
    if (event == null) {
      return;
    }
    record(event);
    context.watches.publish(key, event);
  }

  /** See {@link FakeRegistry#wipe()}. */
  void wipe() {
    synchronized (context.lock) {
      context.checkOpen("wipe");
      context.lessor.clear();
      List<Entry> gone = new ArrayList<>(entries.values());
      entries.clear();
      revision = 1;
      for (Entry entry : gone) {
        if (entry.instance != null) {
          record(new RegistryEvent.Removed(entry.instance, revision));
        }
      }
      context.elections.decideAll();
      context.watches.wiped();
    }
    context.callbacks.deliver();
  }

  // ------------------------------------------------------------------------------------ history

  /** Adds {@code event} to the history, dropping the oldest beyond the limit. Under lock. */
  private void record(RegistryEvent event) {
    history.addLast(event);
    if (history.size() > context.settings.historyLimit()) {
      history.removeFirst();
    }
  }

  List<RegistryEvent> history() {
    synchronized (context.lock) {
      return List.copyOf(history);
    }
  }

  void clearHistory() {
    synchronized (context.lock) {
      history.clear();
    }
  }
}
