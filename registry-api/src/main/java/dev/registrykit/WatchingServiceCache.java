package dev.registrykit;

import dev.registrykit.internal.Listeners;
import dev.registrykit.internal.Waits;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * The {@link ServiceCache} of every {@link Registry}, written once on its public {@link
 * Registry#watch watch}. Writes (watch events, marks) rebuild an immutable {@link Snapshot} under a
 * lock; reads take the volatile snapshot and never lock, unless an instance's down period has run
 * out since the snapshot was built (then it is rebuilt once).
 */
final class WatchingServiceCache implements ServiceCache, RegistryListener {

  private static final System.Logger LOG = System.getLogger(ServiceCache.class.getName());

  private final String serviceName;
  private final PickStrategy strategy;
  private final Predicate<ServiceInstance> filter;
  private final Duration downPeriod;
  private final InstantSource clock;
  private final Object lock = new Object();
  private final Listeners<CacheListener> listeners = new Listeners<>();
  /** Every instance of the service, filtered out or not, by id. Under lock. */
  private final TreeMap<String, Entry> registered = new TreeMap<>();
  /** Until when each instance marked down is skipped, by id. Under lock. */
  private final Map<String, Instant> downUntil = new HashMap<>();
  /** Whether the watch has delivered its first listing. Under lock. */
  private boolean started;
  private CacheState state = CacheState.CURRENT; // under lock
  private volatile Snapshot snapshot;
  private volatile Subscription watch;

  /** What reads see: instances that pass the filter, those of them not marked down, and the counts. */
  private record Snapshot(List<ServiceInstance> instances, List<ServiceInstance> available, Instant nextReturn,
      int registered, int filteredOut, CacheState state) {
  }

  /** An instance and whether it passes the filter, tested once per value. */
  private record Entry(ServiceInstance instance, boolean passes) {
  }

  private WatchingServiceCache(String serviceName, PickStrategy strategy, Predicate<ServiceInstance> filter,
      Duration downPeriod, InstantSource clock) {
    this.serviceName = serviceName;
    this.strategy = strategy;
    this.filter = filter;
    this.downPeriod = downPeriod;
    this.clock = clock;
    this.snapshot = new Snapshot(List.of(), List.of(), null, 0, 0, CacheState.CURRENT);
  }

  static ServiceCache start(Registry registry, String serviceName, PickStrategy strategy,
      Predicate<ServiceInstance> filter, Duration downPeriod, Duration startTimeout, InstantSource clock) {
    WatchingServiceCache cache = new WatchingServiceCache(serviceName, strategy, filter, downPeriod, clock);
    cache.watch = registry.watch(serviceName, cache);
    boolean listed;
    try {
      listed = Waits.awaitWhile(cache.lock, () -> !cache.started, startTimeout, "building the cache of " + serviceName);
    } catch (RuntimeException interrupted) {
      cache.close();
      throw interrupted;
    }
    if (!listed) {
      cache.close();
      throw new RegistryUnavailableException("the cache of " + serviceName + " did not receive its first listing within "
          + startTimeout + " (the registry is slow, or build() runs on the thread that delivers its watch events)");
    }
    return cache;
  }

  // ------------------------------------------------------------------------------------ reads

  @Override
  public String serviceName() {
    return serviceName;
  }

  @Override
  public List<ServiceInstance> instances() {
    return snapshot.instances;
  }

  @Override
  public Optional<ServiceInstance> pick() {
    return pick("pick");
  }

  private Optional<ServiceInstance> pick(String call) {
    Snapshot now = current(call);
    List<ServiceInstance> candidates = now.available;
    if (candidates.isEmpty()) {
      return Optional.empty();
    }
    ServiceInstance chosen = strategy.pick(candidates);
    if (chosen == null) {
      throw new IllegalStateException(strategy + " returned null instead of one of " + candidates.size()
          + " instances of " + serviceName);
    }
    return Optional.of(chosen);
  }

  @Override
  public ServiceInstance require() {
    Optional<ServiceInstance> chosen = pick("require");
    if (chosen.isPresent()) {
      return chosen.get();
    }
    Snapshot now = snapshot;
    int down = now.instances.size() - now.available.size();
    throw new NoInstanceAvailableException("no instance of " + serviceName + " available: " + now.registered
        + " registered, " + down + " down, " + now.filteredOut + " filtered out (cache " + now.state + ")");
  }

  /** The snapshot, rebuilt first if a down period has run out since; refuses a closed cache. */
  private Snapshot current(String call) {
    Snapshot now = snapshot;
    if (now.state == CacheState.CLOSED) {
      throw new RegistryClosedException(call + " failed: the cache of " + serviceName + " was closed");
    }
    if (now.nextReturn != null && !clock.instant().isBefore(now.nextReturn)) {
      synchronized (lock) {
        now = rebuild();
      }
    }
    return now;
  }

  @Override
  public CacheState state() {
    return snapshot.state;
  }

  // ------------------------------------------------------------------------------------ marks

  @Override
  public void markDown(ServiceInstance instance) {
    String id = own(instance, "markDown");
    synchronized (lock) {
      if (registered.containsKey(id)) {
        downUntil.put(id, clock.instant().plus(downPeriod));
        rebuild();
      }
    }
  }

  @Override
  public void markUp(ServiceInstance instance) {
    String id = own(instance, "markUp");
    synchronized (lock) {
      if (downUntil.remove(id) != null) {
        rebuild();
      }
    }
  }

  private String own(ServiceInstance instance, String call) {
    Objects.requireNonNull(instance, "instance must not be null");
    if (!instance.serviceName().equals(serviceName)) {
      throw new IllegalArgumentException(call + " needs an instance of " + serviceName + " but was one of "
          + instance.serviceName() + ": " + instance);
    }
    return instance.instanceId();
  }

  // ------------------------------------------------------------------------------------ the watch

  @Override
  public void onEvent(RegistryEvent event) {
    CacheChange change;
    synchronized (lock) {
      if (state == CacheState.CLOSED) {
        return;
      }
      ServiceInstance instance = event.instance();
      String id = instance.instanceId();
      Entry before = event instanceof RegistryEvent.Removed ? registered.remove(id) : registered.get(id);
      Entry after = null;
      if (event instanceof RegistryEvent.Removed) {
        downUntil.remove(id); // if it comes back, it is a new process
      } else {
        after = new Entry(instance, passes(instance));
        registered.put(id, after);
      }
      boolean was = before != null && before.passes;
      boolean is = after != null && after.passes;
      List<ServiceInstance> added = List.of();
      List<ServiceInstance> removed = List.of();
      List<CacheChange.Updated> updated = List.of();
      if (is && !was) {
        added = List.of(after.instance);
      } else if (was && !is) {
        removed = List.of(before.instance);
      } else if (was && !before.instance.equals(after.instance)) {
        updated = List.of(new CacheChange.Updated(after.instance, before.instance));
      } else {
        rebuild();
        return; // nothing a caller of this cache sees changed
      }
      Snapshot now = rebuild();
      change = new CacheChange(added, removed, updated, state, state, now.instances);
    }
    tell(change);
  }

  @Override
  public void onStateChange(WatchState watchState) {
    CacheChange change;
    synchronized (lock) {
      if (state == CacheState.CLOSED) {
        return;
      }
      if (!started && watchState == WatchState.CURRENT) {
        started = true;
        lock.notifyAll();
      }
      CacheState previous = state;
      state = watchState == WatchState.CURRENT ? CacheState.CURRENT : CacheState.STALE;
      if (previous == state) {
        return;
      }
      Snapshot now = rebuild();
      change = new CacheChange(List.of(), List.of(), List.of(), previous, state, now.instances);
    }
    tell(change);
  }

  private boolean passes(ServiceInstance instance) {
    try {
      return filter.test(instance);
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "the filter of the cache of " + serviceName + " failed on " + instance
          + "; leaving it out", e);
      return false;
    }
  }

  /** Under lock: a new snapshot of what is registered and marked down now. */
  private Snapshot rebuild() {
    Instant now = downUntil.isEmpty() ? null : clock.instant();
    Instant nextReturn = null;
    List<ServiceInstance> instances = new ArrayList<>(registered.size());
    List<ServiceInstance> available = new ArrayList<>(registered.size());
    for (Iterator<Map.Entry<String, Instant>> it = downUntil.entrySet().iterator(); it.hasNext(); ) {
      if (!now.isBefore(it.next().getValue())) {
        it.remove(); // its down period is over
      }
    }
    int filteredOut = 0;
    for (Entry entry : registered.values()) {
      if (!entry.passes) {
        filteredOut++;
        continue;
      }
      instances.add(entry.instance);
      Instant until = downUntil.get(entry.instance.instanceId());
      if (until == null) {
        available.add(entry.instance);
      } else if (nextReturn == null || until.isBefore(nextReturn)) {
        nextReturn = until;
      }
    }
    Snapshot rebuilt = new Snapshot(List.copyOf(instances), List.copyOf(available), nextReturn, registered.size(),
        filteredOut, state);
    snapshot = rebuilt;
    return rebuilt;
  }

  // ------------------------------------------------------------------------------------ listeners

  @Override
  public Subscription addListener(CacheListener listener) {
    return listeners.add(listener);
  }

  private void tell(CacheChange change) {
    listeners.forEach(listener -> {
      if (snapshot.state == CacheState.CLOSED) {
        return;
      }
      try {
        listener.onChange(change);
      } catch (RuntimeException e) {
        LOG.log(System.Logger.Level.WARNING, "a listener of the cache of " + serviceName + " failed on " + change, e);
      }
    });
  }

  // ------------------------------------------------------------------------------------ close

  @Override
  public void close() {
    synchronized (lock) {
      if (state == CacheState.CLOSED) {
        return;
      }
      state = CacheState.CLOSED;
      rebuild();
      lock.notifyAll();
    }
    listeners.closeAll();
    Subscription started = watch;
    if (started != null) {
      started.close();
    }
  }

  @Override
  public String toString() {
    Snapshot now = snapshot;
    return "ServiceCache[" + serviceName + ", " + now.state + ", " + now.instances.size() + " instances, "
        + now.available.size() + " available, " + strategy + "]";
  }
}
