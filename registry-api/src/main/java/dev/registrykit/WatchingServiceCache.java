package dev.registrykit;

import dev.registrykit.internal.Listeners;
import dev.registrykit.internal.Waits;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
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
 *
 * <p>The panic threshold: a removal that would make more than {@code panicThreshold} of the
 * instances (those offered now, plus those removed within the last down period and not since replaced
 * by a new instance) gone, and more than one, is held: the instance stays offered, the cache is {@link CacheState#PANIC}, and it goes once
 * it has stayed gone for the down period counted from when the watch was last {@code CURRENT} (at a
 * read or an event after that: no timer thread), or comes back if it registers again.
 */
final class WatchingServiceCache implements ServiceCache, RegistryListener {

  private static final System.Logger LOG = System.getLogger(ServiceCache.class.getName());

  private final String serviceName;
  private final PickStrategy strategy;
  private final Predicate<ServiceInstance> filter;
  private final Duration downPeriod;
  private final InstantSource clock;
  private final double panicThreshold;
  private final Object lock = new Object();
  private final Listeners<CacheListener> listeners = new Listeners<>();
  /** Every instance of the service, filtered out or not, by id. Under lock. */
  private final TreeMap<String, Entry> registered = new TreeMap<>();
  /** Until when each instance marked down is skipped, by id. Under lock. */
  private final Map<String, Instant> downUntil = new HashMap<>();
  /** Whether the watch has delivered its first listing. Under lock. */
  private boolean started;
  /** What the watch says (CURRENT, STALE) or CLOSED; the cache's own state adds PANIC. Under lock. */
  private CacheState state = CacheState.CURRENT;
  /** Instances the registry reported gone but the panic threshold keeps offered, by id. Under lock. */
  private final TreeMap<String, Held> held = new TreeMap<>();
  /** When each removal of the last down period was let through, oldest first. Under lock. */
  private final Deque<Instant> recentRemovals = new ArrayDeque<>();
  /** When the watch last turned CURRENT: a held instance's time runs from there at the earliest. Under lock. */
  private Instant currentSince;
  private volatile Snapshot snapshot;
  private volatile Subscription watch;

  /** What reads see: instances that pass the filter, those of them not marked down, and the counts. */
  private record Snapshot(List<ServiceInstance> instances, List<ServiceInstance> available, Instant nextReturn,
      Instant nextRelease, int registered, int filteredOut, CacheState state) {
  }

  /** An instance the registry reported gone, held by the panic threshold since {@code since}. */
  private record Held(ServiceInstance instance, Instant since) {
  }

  /** An instance and whether it passes the filter, tested once per value. */
  private record Entry(ServiceInstance instance, boolean passes) {
  }

  private WatchingServiceCache(String serviceName, PickStrategy strategy, Predicate<ServiceInstance> filter,
      Duration downPeriod, InstantSource clock, double panicThreshold) {
    this.serviceName = serviceName;
    this.panicThreshold = panicThreshold;
    this.currentSince = clock.instant();
    this.strategy = strategy;
    this.filter = filter;
    this.downPeriod = downPeriod;
    this.clock = clock;
    this.snapshot = new Snapshot(List.of(), List.of(), null, null, 0, 0, CacheState.CURRENT);
  }

  static ServiceCache start(Registry registry, String serviceName, PickStrategy strategy,
      Predicate<ServiceInstance> filter, Duration downPeriod, Duration startTimeout, InstantSource clock,
      double panicThreshold) {
    WatchingServiceCache cache = new WatchingServiceCache(serviceName, strategy, filter, downPeriod, clock,
        panicThreshold);
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
    Snapshot now = snapshot;
    if (now.nextRelease != null && !clock.instant().isBefore(now.nextRelease)) {
      now = releaseDue();
    }
    return now.instances;
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
    if (now.nextRelease != null && !clock.instant().isBefore(now.nextRelease)) {
      return releaseDue();
    }
    if (now.nextReturn != null && !clock.instant().isBefore(now.nextReturn)) {
      synchronized (lock) {
        now = rebuild();
      }
    }
    return now;
  }

  /** Lets go of the held instances whose time is up, each its own change, and gives the snapshot after. */
  private Snapshot releaseDue() {
    List<CacheChange> changes = new ArrayList<>();
    Snapshot now;
    synchronized (lock) {
      release(changes);
      now = rebuild();
    }
    changes.forEach(this::tell);
    return now;
  }

  /**
   * Under lock: removes each held instance that has stayed gone for the down period while the watch
   * was CURRENT, oldest first, adding a change for each to {@code changes}.
   */
  private void release(List<CacheChange> changes) {
    if (held.isEmpty() || state != CacheState.CURRENT) {
      return;
    }
    Instant now = clock.instant();
    for (Iterator<Held> it = held.values().iterator(); it.hasNext(); ) {
      Held gone = it.next();
      if (!now.isBefore(releaseAt(gone))) {
        CacheState before = effectiveState();
        it.remove();
        recentRemovals.add(now);
        changes.add(new CacheChange(List.of(), List.of(gone.instance), List.of(), before, before, rebuild().instances));
        stateChange(before, changes);
      }
    }
  }

  /** Under lock: adds a change of state alone to {@code changes} if the state is no longer {@code previous}. */
  private void stateChange(CacheState previous, List<CacheChange> changes) {
    if (previous != effectiveState()) {
      changes.add(new CacheChange(List.of(), List.of(), List.of(), previous, effectiveState(), snapshot.instances));
    }
  }

  /** When {@code gone} has stayed gone for a down period with the watch CURRENT. */
  private Instant releaseAt(Held gone) {
    return (gone.since.isAfter(currentSince) ? gone.since : currentSince).plus(downPeriod);
  }

  /** Under lock: the state readers see: PANIC while instances are held and the watch is CURRENT. */
  private CacheState effectiveState() {
    return state == CacheState.CURRENT && !held.isEmpty() ? CacheState.PANIC : state;
  }

  /**
   * Under lock: whether the removal of {@code instance} (offered now) is more than the panic
   * threshold lets through: counting it, the removals of the last down period and those held, more
   * than one and more than the threshold's share of the instances offered plus those removals.
   */
  private boolean panics() {
    Instant now = clock.instant();
    Instant windowStart = now.minus(downPeriod);
    while (!recentRemovals.isEmpty() && recentRemovals.peekFirst().isBefore(windowStart)) {
      recentRemovals.pollFirst();
    }
    int offered = held.size();
    for (Entry entry : registered.values()) {
      offered += entry.passes ? 1 : 0;
    }
    int gone = recentRemovals.size() + held.size() + 1;
    return gone > 1 && gone > panicThreshold * (offered + 1 + recentRemovals.size());
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
    List<CacheChange> changes = new ArrayList<>();
    synchronized (lock) {
      if (state == CacheState.CLOSED) {
        return;
      }
      CacheState previous = effectiveState();
      ServiceInstance instance = event.instance();
      String id = instance.instanceId();
      Entry before = event instanceof RegistryEvent.Removed ? registered.remove(id) : registered.get(id);
      Held wasHeld = held.remove(id);
      if (before == null && wasHeld != null) {
        before = new Entry(wasHeld.instance, true); // still offered: it comes back, or goes again
      }
      Entry after = null;
      if (event instanceof RegistryEvent.Removed && before != null && before.passes && panics()) {
        held.put(id, new Held(before.instance, wasHeld == null ? clock.instant() : wasHeld.since));
        rebuild();
        stateChange(previous, changes);
      } else if (event instanceof RegistryEvent.Removed) {
        downUntil.remove(id); // if it comes back, it is a new process
        if (before != null && before.passes) {
          recentRemovals.add(clock.instant());
        }
        change(before, null, previous, changes);
      } else {
        if (before == null) {
          recentRemovals.pollLast(); // a new instance takes the place of one removed: churn, not loss
        }
        after = new Entry(instance, passes(instance));
        registered.put(id, after);
        change(before, after, previous, changes);
      }
      release(changes);
    }
    changes.forEach(this::tell);
  }

  /**
   * Under lock: adds to {@code changes} the change from {@code before} to {@code after} (either null:
   * none) that callers see, if any, then the change of state from {@code previous}, if any.
   */
  private void change(Entry before, Entry after, CacheState previous, List<CacheChange> changes) {
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
      rebuild(); // no instance a caller of this cache sees changed
      stateChange(previous, changes);
      return;
    }
    Snapshot now = rebuild();
    changes.add(new CacheChange(added, removed, updated, previous, previous, now.instances));
    stateChange(previous, changes);
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
      CacheState previous = effectiveState();
      CacheState watched = watchState == WatchState.CURRENT ? CacheState.CURRENT : CacheState.STALE;
      if (watched == CacheState.CURRENT && state != CacheState.CURRENT) {
        currentSince = clock.instant(); // held instances count their time from a healthy watch
      }
      state = watched;
      if (previous == effectiveState()) {
        return;
      }
      Snapshot now = rebuild();
      change = new CacheChange(List.of(), List.of(), List.of(), previous, effectiveState(), now.instances);
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
    Map<String, Entry> offered = registered;
    Instant nextRelease = null;
    if (!held.isEmpty()) {
      TreeMap<String, Entry> withHeld = new TreeMap<>(registered);
      for (Held gone : held.values()) {
        withHeld.put(gone.instance.instanceId(), new Entry(gone.instance, true));
        Instant at = releaseAt(gone);
        if (state == CacheState.CURRENT && (nextRelease == null || at.isBefore(nextRelease))) {
          nextRelease = at;
        }
      }
      offered = withHeld;
    }
    for (Entry entry : offered.values()) {
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
    Snapshot rebuilt = new Snapshot(List.copyOf(instances), List.copyOf(available), nextReturn, nextRelease,
        offered.size(), filteredOut, effectiveState());
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
