package dev.registrykit.fake;

import dev.registrykit.Candidacy;
import dev.registrykit.CandidacyListener;
import dev.registrykit.CandidacyState;
import dev.registrykit.Election;
import dev.registrykit.InvalidEntry;
import dev.registrykit.Leader;
import dev.registrykit.LeaderListener;
import dev.registrykit.InvalidEntryListener;
import dev.registrykit.Registration;
import dev.registrykit.RegistrationListener;
import dev.registrykit.RegistrationState;
import dev.registrykit.Registry;
import dev.registrykit.RegistryClosedException;
import dev.registrykit.RegistryEvent;
import dev.registrykit.RegistryListener;
import dev.registrykit.RegistryUnavailableException;
import dev.registrykit.ServiceInstance;
import dev.registrykit.Subscription;
import dev.registrykit.WatchState;
import dev.registrykit.internal.InstanceCodec;
import dev.registrykit.internal.Validation;
import dev.registrykit.internal.Waits;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An in-memory {@link Registry} that behaves like etcd, driven by a {@link FakeClock}: no thread, no
 * sleep. Leases renew themselves every TTL/3 of fake time while their registration lives, and run
 * out {@code ttl} after the last renewal once it stops; all of that happens inside {@link
 * FakeClock#advance(Duration)}, on the test's thread, in a deterministic order.
 *
 * <pre>{@code
 * FakeRegistry registry = FakeRegistry.create();
 * Registration orders = registry.register(
 *     ServiceInstance.of("orders", "i-1", "http://10.0.0.7:5000"), Duration.ofSeconds(30));
 * registry.crash(orders);                              // the process dies: no deregistration
 * registry.clock().advance(Duration.ofSeconds(31));    // microseconds, not 31 s
 * assertThat(registry.instances("orders")).isEmpty();  // the lease ran out
 * }</pre>
 *
 * <p>Like etcd, the fake grants at least its {@linkplain Builder#withMinimumTtl minimum TTL} (2 s,
 * etcd's default), numbers every write with a store revision (1 before the first write; a put, a
 * delete and a lease expiry each take the next one), deletes a key on deregistration only while it
 * is still attached to the registration's lease, and stores values in the origin's JSON (so {@link
 * #putRaw} can write what another program would, valid or not). Faults are injected with {@link
 * #inject(Fault)}; {@link #history()} lists the events (the last 100,000 unless configured).
 *
 * <p><b>etcd's quirks, as settings.</b> By default the fake times things as etcd does:
 * <ul>
 *   <li><b>Expired leases go at the next expiry check</b> (etcd's lessor checks about every 500 ms):
 *       {@link Builder#withExpiryCheckInterval(Duration)}, default 500 ms, checks at the clock's start
 *       plus multiples of it; {@code Duration.ZERO} removes a lease at exactly its expiry. The
 *       registration turns {@code LOST} at its own deadline (last renewal + TTL) either way.
 *   <li><b>A leader change renews every lease to TTL + election timeout</b> (etcd's lessor {@code
 *       Promote}): {@link Builder#withElectionTimeout(Duration)}, default 1 s (etcd's default), applied
 *       by {@link #changeLeader()} and when a {@link Fault#down()} heals; {@code Duration.ZERO} renews to
 *       the TTL alone.
 *   <li><b>Minimum TTL</b> (etcd grants at least 2 s with its default flags): {@link
 *       Builder#withMinimumTtl(Duration)}, default 2 s; {@code Duration.ofSeconds(1)} grants what is asked.
 *   <li><b>Recovery after a lost lease</b> (EtcdRegistry's default): {@link Builder#withRecovery(Recovery)},
 *       default {@link Recovery#REREGISTER}; {@link Recovery#NONE} leaves it {@code LOST}.
 *   <li><b>Keep-alive every TTL/3</b> (jetcd's): not a setting.
 * </ul>
 * etcd then revokes an expired lease a moment after its check, so a crashed instance vanishes there up
 * to about 1.5 s after its TTL; tests that must hold on both should allow that margin.
 *
 * <p><b>Faults.</b> {@link Fault#unavailable()} (connection lost), {@link Fault#down()} (etcd stopped),
 * {@link Fault#keepAliveFailure(Registration)}; and, at once, {@link #wipe()} (data lost), {@link
 * #compact()} (history compacted), {@link #loseLease(Registration)} (lease not found) and {@link
 * #changeLeader()}.
 *
 * <p><b>Threads and callbacks.</b> Thread-safe: one lock guards the state. Listeners (watches,
 * registration and candidacy listeners, leader observers) are never called under that lock, so they
 * may call back into the fake. Events are queued under the lock and delivered after it is released
 * by whichever thread holds the delivery turn: normally the thread whose call caused them (register,
 * close, {@link FakeClock#advance}), before that call returns; if another thread is delivering at
 * that moment, that thread delivers them too, so callbacks run one at a time and in revision order.
 * A callback made from inside a callback (say a listener registers an instance) is queued and runs
 * once the current one returns. A listener that throws is logged and recorded in {@link
 * #listenerFailures()}; the others still hear every event.
 */
public final class FakeRegistry implements Registry {

  private static final System.Logger LOG = System.getLogger(FakeRegistry.class.getName());

  private final FakeClock clock;
  private final Duration minimumTtl;
  private final Duration defaultTtl;
  private final String namespace;
  private final Recovery recovery;
  private final InvalidEntryListener invalidEntryListener;
  private final Duration expiryCheckInterval;
  private final Duration electionTimeout;
  private final InstanceCodec.Format valueFormat;

  private final Object lock = new Object();
  // --- "server" state, guarded by lock
  private final TreeMap<String, Entry> store = new TreeMap<>();
  private final Map<Long, Lease> leases = new LinkedHashMap<>();
  private long revision = 1;
  private long nextLeaseId = 1;
  /** Counts renewals, so that leases expiring at one check go in the order they were renewed. */
  private long renewals;
  /** Pending expiry checks by instant, each with the leases due at it. */
  private final TreeMap<Instant, Check> checks = new TreeMap<>();
  /** Bumped by {@link #wipe()}: a key written after a wipe differs from one before, whatever its revision. */
  private long epoch;

  private final ArrayDeque<RegistryEvent> history = new ArrayDeque<>();
  private final int historyLimit;
  // --- "client" state, guarded by lock
  private final Set<FakeRegistration> registrations = new LinkedHashSet<>();
  private final Map<String, FakeRegistration> liveByKey = new java.util.HashMap<>();
  private final List<Watch> watches = new ArrayList<>();
  private final List<ActiveFault> faults = new ArrayList<>();
  private final Map<String, FakeElection> elections = new LinkedHashMap<>();
  private long registrationOrder;
  private boolean closed;

  // --- delivery of callbacks outside the lock, in order
  private final ArrayDeque<Runnable> pending = new ArrayDeque<>();
  /** Watch events and leader changes that happen during an outage, released when it heals. Under lock. */
  private final ArrayDeque<Runnable> held = new ArrayDeque<>();
  private Thread deliveringThread;
  private final List<Throwable> listenerFailures = new CopyOnWriteArrayList<>();

  private FakeRegistry(Builder builder) {
    this.clock = builder.clock != null ? builder.clock : FakeClock.create();
    this.minimumTtl = builder.minimumTtl;
    this.defaultTtl = builder.defaultTtl;
    this.namespace = builder.namespace;
    this.historyLimit = builder.historyLimit;
    this.recovery = builder.recovery;
    this.invalidEntryListener = builder.invalidEntryListener;
    this.expiryCheckInterval = builder.expiryCheckInterval;
    this.electionTimeout = builder.electionTimeout;
    this.valueFormat = builder.valueFormat;
  }

  /** A fake on a fresh {@link FakeClock}, with etcd's default minimum TTL of 2 s. */
  public static FakeRegistry create() {
    return builder().build();
  }

  /** A builder to choose the clock, minimum TTL and other settings. */
  public static Builder builder() {
    return new Builder();
  }

  /** The clock that drives this registry. */
  public FakeClock clock() {
    return clock;
  }

  /** The key root, {@code /services} unless configured. */
  public String namespace() {
    return namespace;
  }

  /** The least TTL this fake grants. */
  public Duration minimumTtl() {
    return minimumTtl;
  }

  @Override
  public Duration defaultTtl() {
    return defaultTtl;
  }

  /** How often expired leases are removed; see {@link Builder#withExpiryCheckInterval(Duration)}. */
  public Duration expiryCheckInterval() {
    return expiryCheckInterval;
  }

  /** What a leader change adds to every lease; see {@link Builder#withElectionTimeout(Duration)}. */
  public Duration electionTimeout() {
    return electionTimeout;
  }

  // ------------------------------------------------------------------------------------ registry

  @Override
  public Registration register(ServiceInstance instance, Duration ttl) {
    Objects.requireNonNull(instance, "instance must not be null");
    Validation.requireTtl(ttl);
    FakeRegistration registration;
    synchronized (lock) {
      checkUsable("register");
      Duration granted = ttl.compareTo(minimumTtl) < 0 ? minimumTtl : ttl;
      registration = new FakeRegistration(instance, granted, registrationOrder++);
      String key = InstanceCodec.key(namespace, instance);
      FakeRegistration replaced = liveByKey.put(key, registration);
      registrations.add(registration);
      registration.attach(grantAndPut(registration));
      if (replaced != null) {
        replaced.closeWithoutDelete();
      }
      registration.scheduleKeepAlive();
    }
    deliver();
    return registration;
  }

  @Override
  public List<ServiceInstance> instances(String serviceName) {
    Validation.requireServiceName(serviceName);
    List<ServiceInstance> result = new ArrayList<>();
    List<InvalidEntry> invalid = new ArrayList<>();
    synchronized (lock) {
      checkUsable("instances");
      // key order is id order here: one prefix, and ids are ASCII without '/'
      for (Map.Entry<String, Entry> e : subMap(InstanceCodec.servicePrefix(namespace, serviceName)).entrySet()) {
        ServiceInstance instance = instanceOf(e.getKey(), e.getValue(), invalid);
        if (instance != null) {
          result.add(instance);
        }
      }
    }
    report(invalid);
    return Collections.unmodifiableList(result);
  }

  @Override
  public SortedSet<String> services() {
    SortedSet<String> result = new TreeSet<>();
    for (ServiceInstance instance : listAll("services")) {
      result.add(instance.serviceName());
    }
    return Collections.unmodifiableSortedSet(result);
  }

  /**
   * Every instance now, by service name, then id, as {@link Registry#allInstances()} promises and
   * {@code EtcdRegistry} does: sorted after reading, since the keys of a service whose name extends
   * another's with {@code -} or {@code .} (which sort before {@code /}) come first, {@code
   * orders-v2/…} before {@code orders/…}.
   */
  @Override
  public List<ServiceInstance> allInstances() {
    List<ServiceInstance> result = listAll("allInstances");
    result.sort(InstanceCodec.LISTING_ORDER);
    return Collections.unmodifiableList(result);
  }

  private List<ServiceInstance> listAll(String call) {
    List<ServiceInstance> result = new ArrayList<>();
    List<InvalidEntry> invalid = new ArrayList<>();
    synchronized (lock) {
      checkUsable(call);
      for (Map.Entry<String, Entry> e : subMap(InstanceCodec.namespacePrefix(namespace)).entrySet()) {
        ServiceInstance instance = instanceOf(e.getKey(), e.getValue(), invalid);
        if (instance != null) {
          result.add(instance);
        }
      }
    }
    report(invalid);
    return result;
  }

  @Override
  public Subscription watch(String serviceName, RegistryListener listener) {
    Validation.requireServiceName(serviceName);
    return startWatch(InstanceCodec.servicePrefix(namespace, serviceName), listener, "watch");
  }

  @Override
  public Subscription watchAll(RegistryListener listener) {
    return startWatch(InstanceCodec.namespacePrefix(namespace), listener, "watchAll");
  }

  private Subscription startWatch(String prefix, RegistryListener listener, String call) {
    Validation.requireNonNull(listener, "listener");
    Watch watch = new Watch(prefix, listener);
    List<InvalidEntry> invalid = new ArrayList<>();
    synchronized (lock) {
      checkUsable(call);
      List<Map.Entry<String, Entry>> present = new ArrayList<>(subMap(prefix).entrySet());
      present.sort(Comparator.comparingLong(e -> e.getValue().modRevision));
      for (Map.Entry<String, Entry> e : present) {
        ServiceInstance instance = instanceOf(e.getKey(), e.getValue(), invalid);
        if (instance != null) {
          watch.enqueue(e.getKey(), new RegistryEvent.Added(instance, e.getValue().modRevision));
        }
      }
      watches.add(watch);
      watch.tell(WatchState.CURRENT); // the listing is delivered
    }
    report(invalid);
    deliver();
    return watch;
  }

  /**
   * Closes every watch first, as {@code EtcdRegistry} does, so they hear nothing of what closing
   * does; then closes every registration (deleting its key, as {@link Registration#close()} does,
   * crashed ones included, as {@code EtcdRegistry} does), resigns every candidacy and closes every
   * other subscription: registration listeners hear {@code CLOSED}. Later calls throw {@link
   * RegistryClosedException} naming the call; {@link #history()}, {@link #revision()} and {@link
   * #listenerFailures()} still answer, and another program's {@link #putRaw(String, String)} and
   * {@link #deleteRaw(String)} still write. During an outage nothing reaches the "server": the
   * registrations are closed and their keys go when their leases run out on the clock. Idempotent.
   */
  @Override
  public void close() {
    synchronized (lock) {
      if (closed) {
        return;
      }
      for (Watch watch : watches) {
        watch.open = false;
      }
      watches.clear();
      boolean reachable = !unavailable();
      for (FakeRegistration registration : new ArrayList<>(registrations)) {
        if (reachable) {
          registration.deregister();
        } else {
          registration.abandon(); // as over a broken connection: the keys go when their leases run out
        }
      }
      for (FakeElection election : elections.values()) {
        for (FakeCandidacy candidacy : new ArrayList<>(election.candidacies)) {
          candidacy.end(CandidacyState.RESIGNED, !candidacy.cutOff());
        }
        for (Observer observer : election.observers) {
          observer.open = false;
        }
        election.observers.clear();
      }
      held.clear(); // for closed watches and observers only
      closed = true;
    }
    deliver();
  }

  // ------------------------------------------------------------------------------------ test controls

  /**
   * Makes {@code registration}'s process die without deregistering: keep-alive stops, the key stays
   * until the lease runs out (then watchers see {@link RegistryEvent.Removed} and the registration
   * is {@link RegistrationState#LOST}). A crashed registration is never recovered.
   *
   * <p>Works during an outage too (it is not a call to the registry). Crashing a registration twice,
   * or one already closed, changes nothing.
   *
   * @throws IllegalArgumentException if {@code registration} did not come from this registry
   * @throws RegistryClosedException  if this registry was closed
   */
  public void crash(Registration registration) {
    FakeRegistration own = own(registration, "crash");
    synchronized (lock) {
      checkOpen("crash");
      own.crashed = true;
      own.cancelKeepAlive();
    }
  }

  /**
   * Makes {@code candidacy}'s process die without resigning: keep-alive stops, and it keeps its
   * place (or its leadership) until its lease runs out; then the next candidate leads.
   *
   * @throws IllegalArgumentException if {@code candidacy} did not come from this registry
   * @throws RegistryClosedException  if this registry was closed
   */
  public void crash(Candidacy candidacy) {
    Objects.requireNonNull(candidacy, "candidacy must not be null");
    if (!(candidacy instanceof FakeCandidacy own) || own.registry() != this) {
      throw new IllegalArgumentException("crash needs a candidacy of this FakeRegistry but was: " + candidacy);
    }
    synchronized (lock) {
      checkOpen("crash");
      own.crashed = true;
      own.cancelKeepAlive();
    }
  }

  @Override
  public Election election(String name) {
    Validation.requireName("name", name);
    synchronized (lock) {
      checkUsable("election");
      return elections.computeIfAbsent(name, FakeElection::new);
    }
  }

  /**
   * Campaigns in election {@code election} as {@code candidateId} from another program, over a
   * connection of its own to the same store: {@link Fault#unavailable()} does not cut it (its
   * keep-alive goes on, and it learns at once when the leader's key goes), only {@link Fault#down()}
   * does, as on etcd. For tests of a leader cut off from the registry while another candidate takes
   * over. It is a candidacy as {@link Election#campaign} makes, but this registry's faults do not
   * reach it; it resigns when this registry closes.
   *
   * @throws RegistryUnavailableException while etcd is down ({@link Fault#down()})
   * @throws RegistryClosedException      if this registry was closed
   */
  public Candidacy campaignFromAnotherClient(String election, String candidateId, Duration ttl) {
    Validation.requireName("election", election);
    FakeElection own;
    synchronized (lock) {
      checkOtherClient("campaignFromAnotherClient");
      own = elections.computeIfAbsent(election, FakeElection::new);
    }
    return own.campaign(candidateId, ttl, Connection.ANOTHER_CLIENT);
  }

  /**
   * Injects a fault, in force until the returned handle is {@linkplain InjectedFault#heal() healed}
   * (or {@link #healAll()}). Faults are values, so the same one may be injected twice; each
   * injection is healed on its own. Healing is idempotent, and works after this registry closed.
   *
   * @throws IllegalArgumentException if a {@link Fault.KeepAliveFailure} names a registration of
   *                                  another registry
   * @throws RegistryClosedException  if this registry was closed
   */
  public InjectedFault inject(Fault fault) {
    Objects.requireNonNull(fault, "fault must not be null");
    if (fault instanceof Fault.KeepAliveFailure failure) {
      own(failure.registration(), "inject");
    }
    ActiveFault active = new ActiveFault(fault);
    synchronized (lock) {
      checkOpen("inject");
      boolean wasUnavailable = unavailable();
      faults.add(active);
      if (!wasUnavailable && unavailable()) {
        for (Watch watch : watches) {
          watch.tell(WatchState.STALE); // the watch stream broke
        }
      }
    }
    deliver();
    return active;
  }

  /** The faults in force now, in the order they were injected. */
  public List<Fault> faults() {
    synchronized (lock) {
      List<Fault> result = new ArrayList<>();
      for (ActiveFault active : faults) {
        result.add(active.fault);
      }
      return List.copyOf(result);
    }
  }

  /** Heals every fault in force (what watchers missed during an outage reaches them now). */
  public void healAll() {
    synchronized (lock) {
      boolean wasDown = down();
      faults.clear();
      healed(wasDown);
    }
    deliver();
  }

  /**
   * Writes {@code value} under {@code key} as another program would, without a lease (it stays until
   * deleted): the origin's JSON such as {@code {"Id":"i-1","Name":"orders","Address":"http://h:1"}},
   * in any letter case and with any extra properties, or anything else. Listings and watches decode
   * it as they would a value on etcd, and skip what is not an instance (reporting it to the {@link
   * Builder#withInvalidEntryListener invalid-entry listener} once, when written). A
   * value that is not an instance written over one that was is seen by watchers as {@link
   * RegistryEvent.Removed}. A registration whose key is overwritten keeps its lease but no longer
   * owns the key: closing it leaves the value alone.
   *
   * <p>The other program has its own connection: its writes go through while this registry is cut
   * off ({@link Fault#unavailable()}; this registry's watchers hear of them when that heals) and
   * after it was closed (they are in {@link #history()}; nobody of this registry hears of them),
   * and fail only while etcd is {@link Fault#down() down}, as on etcd.
   *
   * @param key the full key, under this registry's namespace, e.g. {@code /services/orders/i-1}
   * @throws IllegalArgumentException     if {@code key} is not under the namespace
   * @throws RegistryUnavailableException while etcd is down ({@link Fault#down()})
   */
  public void putRaw(String key, String value) {
    Objects.requireNonNull(key, "key must not be null");
    Objects.requireNonNull(value, "value must not be null");
    requireUnderNamespace(key);
    synchronized (lock) {
      checkOtherClient("putRaw");
      put(key, value, 0);
    }
    deliver();
  }

  /**
   * Writes {@code value} under {@code key} as another program would, on a lease of its own that
   * nobody keeps alive: as {@link #putRaw(String, String)}, but the key goes {@code ttl} (at least the
   * {@linkplain #minimumTtl() minimum TTL}) after this call, as the key of a program that registered
   * and then died.
   *
   * @param ttl the lease TTL, positive and whole seconds, checked as {@link #register} checks it
   * @return the TTL granted
   * @throws IllegalArgumentException     if {@code key} is not under the namespace or {@code ttl} is bad
   * @throws RegistryUnavailableException while etcd is down ({@link Fault#down()})
   */
  public Duration putRaw(String key, String value, Duration ttl) {
    Objects.requireNonNull(key, "key must not be null");
    Objects.requireNonNull(value, "value must not be null");
    requireUnderNamespace(key);
    Validation.requireTtl(ttl);
    Duration granted = ttl.compareTo(minimumTtl) < 0 ? minimumTtl : ttl;
    synchronized (lock) {
      checkOtherClient("putRaw");
      Lease lease = new Lease(nextLeaseId++, granted);
      leases.put(lease.id, lease);
      lease.renew();
      put(key, value, lease.id);
    }
    deliver();
    return granted;
  }

  /**
   * Deletes {@code key} as another program would (watchers see {@link RegistryEvent.Removed} if
   * its value was an instance). A registration whose key is deleted stays {@code ACTIVE}: its lease
   * lives on, as on etcd. Like {@link #putRaw(String, String)}, it works while this registry is cut
   * off and after it was closed.
   *
   * @return whether there was such a key
   * @throws IllegalArgumentException     if {@code key} is not under the namespace
   * @throws RegistryUnavailableException while etcd is down ({@link Fault#down()})
   */
  public boolean deleteRaw(String key) {
    Objects.requireNonNull(key, "key must not be null");
    requireUnderNamespace(key);
    boolean existed;
    synchronized (lock) {
      checkOtherClient("deleteRaw");
      existed = store.containsKey(key);
      if (existed) {
        revision++;
        delete(key);
      }
    }
    deliver();
    return existed;
  }

  /**
   * Reads {@code key} as another program would: its raw value, or empty if there is no such key.
   * Like {@link #putRaw(String, String)}, it works while this registry is cut off and after it was
   * closed.
   *
   * @param key the full key, under this registry's namespace, e.g. {@code /services/orders/i-1}
   * @throws IllegalArgumentException     if {@code key} is not under the namespace
   * @throws RegistryUnavailableException while etcd is down ({@link Fault#down()})
   */
  public Optional<String> getRaw(String key) {
    Objects.requireNonNull(key, "key must not be null");
    requireUnderNamespace(key);
    synchronized (lock) {
      checkOtherClient("getRaw");
      Entry entry = store.get(key);
      return entry == null ? Optional.empty() : Optional.of(entry.value);
    }
  }

  /**
   * The events that happened in this registry, in revision order (watches' initial snapshots aside):
   * all of them, or the last {@link Builder#withHistoryLimit(int) historyLimit}.
   */
  public List<RegistryEvent> history() {
    synchronized (lock) {
      return List.copyOf(history);
    }
  }

  /**
   * Forgets the events recorded so far, so that {@link #history()} shows only what happens next
   * (say, after a test's setup). Revisions go on from where they were.
   */
  public void clearHistory() {
    synchronized (lock) {
      history.clear();
    }
  }

  /**
   * A leader change: as etcd's lessor does on promotion, every live lease is renewed to its full TTL
   * plus the {@linkplain Builder#withElectionTimeout election timeout} from now, so that none runs
   * out for want of a leader. Healing a {@link Fault#down()} does this too. Registrations are not told
   * (their own deadlines stay: a client counts from its last renewal), so a crashed instance's key now
   * stays until {@code now + ttl + electionTimeout}, then goes at the next expiry check. Works during
   * faults: it is a test control, not a call.
   *
   * @throws RegistryClosedException if this registry was closed
   */
  public void changeLeader() {
    synchronized (lock) {
      checkOpen("changeLeader");
      promote();
    }
    deliver();
  }

  /** Under lock: renews every lease to its TTL plus the election timeout from now. */
  private void promote() {
    Instant now = clock.instant();
    for (Lease lease : leases.values()) {
      lease.renewUntil(now.plus(lease.ttl).plus(electionTimeout));
    }
  }

  /**
   * etcd lost all its data, as a fresh etcd at the same endpoint: every key and lease is gone at
   * once and the revision starts again at 1, as on a new fake ({@link #revision()} reads 1; the next
   * write gets 2), so the revisions of later events are lower than those before: that is expected.
   * Lease ids go on counting, as a fresh etcd would not hand out a gone lease's id to the same client.
   *
   * <ul>
   *   <li>{@link #history()} keeps every event and gets a {@link RegistryEvent.Removed} at revision
   *       1 for every instance that was stored.
   *   <li>Watches cannot resume (their revision means nothing to the new store): each lists again and
   *       passes on the differences from what it knew, {@code Removed} for each instance it knew, at
   *       once (during an outage: when it heals, instead of what the outage held back); later writes
   *       reach it as usual ({@code Added} when an instance registers again).
   *   <li>Registrations learn it at their next keep-alive tick, as for {@link #loseLease}: "lease
   *       not found", {@code LOST}, and (recovery on) registered again with a new lease in that tick.
   *   <li>Candidacies lose their keys, so they turn {@code LOST} and elections have no leader.
   * </ul>
   *
   * <p>Works during faults (a stopped etcd may come back empty).
   *
   * @throws RegistryClosedException if this registry was closed
   */
  public void wipe() {
    synchronized (lock) {
      checkOpen("wipe");
      for (Lease lease : leases.values()) {
        lease.leaveCheck();
      }
      leases.clear();
      List<Entry> gone = new ArrayList<>(store.values());
      store.clear();
      revision = 1;
      epoch++;
      for (Entry entry : gone) {
        if (entry.instance != null) {
          record(new RegistryEvent.Removed(entry.instance, revision));
        }
      }
      for (FakeElection election : elections.values()) {
        election.decide();
      }
      boolean cutOff = unavailable();
      for (Watch watch : watches) {
        if (cutOff) {
          watch.relist = true;
        } else {
          watch.relist();
        }
      }
    }
    deliver();
  }

  /**
   * Compacts the store's history at the current revision, as etcd's compaction does. A watch that is
   * behind (an outage holds back some of its events) can no longer resume from its revision: when the
   * outage heals it lists again instead and passes on only the differences between what it last
   * passed on and the store then, as etcd's watch does: {@link RegistryEvent.Added} for a new
   * instance and {@link RegistryEvent.Updated} (with the {@code previous} it knew) for one whose data
   * changed, each at the revision of its write, {@link RegistryEvent.Removed} for one gone, at the
   * revision of that moment, all in revision order (ties in key order); nothing for one that came and
   * went. A watch that is not behind is unaffected, and so is {@link #history()}. Works during
   * faults.
   *
   * @throws RegistryClosedException if this registry was closed
   */
  public void compact() {
    synchronized (lock) {
      checkOpen("compact");
      for (Watch watch : watches) {
        if (watch.held > 0) {
          watch.relist = true;
        }
      }
    }
  }

  /**
   * The server forgets {@code registration}'s lease, as an administrator's revoke, or a lease that
   * ran out while the client believed it alive: its key is deleted at once (watchers see {@link
   * RegistryEvent.Removed}). At its next keep-alive tick the registration hears "lease not found": it
   * turns {@link RegistrationState#LOST LOST} and, with {@link Recovery#REREGISTER}, registers again
   * with a new lease <em>in that same tick</em> (listeners hear {@code ACTIVE -> LOST -> ACTIVE} at one
   * instant), as {@code EtcdRegistration} does, whose first recovery attempt follows at once (its
   * backoff applies only to failed attempts). Recovery off, it stays {@code LOST}. A {@code LOST}
   * registration whose lease is gone already is left as it is. Works during faults: during an outage
   * the registration hears nothing until its keep-alive reaches etcd again.
   *
   * @throws IllegalArgumentException if {@code registration} did not come from this registry, or is closed
   * @throws RegistryClosedException  if this registry was closed
   */
  public void loseLease(Registration registration) {
    FakeRegistration own = own(registration, "loseLease");
    synchronized (lock) {
      checkOpen("loseLease");
      if (own.state == RegistrationState.CLOSED) {
        throw new IllegalArgumentException("loseLease needs a registration that is not closed but was: " + own);
      }
      if (own.lease.alive()) {
        revoke(own.lease);
      }
    }
    deliver();
  }

  /** The id of {@code registration}'s lease now; for tests of this package. */
  long leaseId(Registration registration) {
    FakeRegistration own = own(registration, "leaseId");
    synchronized (lock) {
      return own.lease.id;
    }
  }

  /** Every key now with the id of its lease (0: none), in key order; for tests of this package. */
  SortedMap<String, Long> keysWithLeases() {
    synchronized (lock) {
      SortedMap<String, Long> result = new TreeMap<>();
      store.forEach((key, entry) -> result.put(key, entry.leaseId));
      return result;
    }
  }

  /** Whether the server has a lease of this id; for tests of this package. */
  boolean hasLease(long id) {
    synchronized (lock) {
      return leases.containsKey(id);
    }
  }

  /** The store revision now: that of the last write. */
  public long revision() {
    synchronized (lock) {
      return revision;
    }
  }

  /** Exceptions thrown by listeners (logged and otherwise ignored), for tests that check them. */
  public List<Throwable> listenerFailures() {
    return List.copyOf(listenerFailures);
  }

  // ------------------------------------------------------------------------------------ internals

  private FakeRegistration own(Registration registration, String call) {
    Objects.requireNonNull(registration, "registration must not be null");
    if (registration instanceof FakeRegistration own && own.registry() == this) {
      return own;
    }
    throw new IllegalArgumentException(call + " needs a registration of this FakeRegistry but was: " + registration);
  }

  private void requireUnderNamespace(String key) {
    if (!key.startsWith(InstanceCodec.namespacePrefix(namespace))) {
      throw new IllegalArgumentException("key must be under the namespace " + namespace + "/ but was: \"" + key + "\"");
    }
  }

  /** Under lock. */
  private void checkOpen(String call) {
    if (closed) {
      throw new RegistryClosedException(call + " refused: this FakeRegistry is closed");
    }
  }

  /**
   * Another program's call: its own connection works during {@link Fault#unavailable()} and after
   * this registry was closed, but not while etcd is {@link Fault#down() down}. Under lock.
   */
  private void checkOtherClient(String call) {
    if (down()) {
      throw downFailure(call);
    }
  }

  private static RegistryUnavailableException downFailure(String call) {
    return new RegistryUnavailableException(call + " failed: the fake registry is unavailable (injected "
        + "Fault.down(); heal it to start etcd again)");
  }

  /** This registry's own call. Under lock. */
  private void checkUsable(String call) {
    checkOpen(call);
    if (down()) {
      throw downFailure(call);
    }
    if (unavailable()) {
      throw new RegistryUnavailableException(call + " failed: the fake registry is unavailable (injected "
          + "Fault.unavailable(); heal it to reconnect)");
    }
  }

  /** Whether this client cannot reach etcd: {@link Fault.Unavailable} or {@link Fault.Down} in force. Under lock. */
  private boolean unavailable() {
    for (ActiveFault fault : faults) {
      if (fault.fault instanceof Fault.Unavailable || fault.fault instanceof Fault.Down) {
        return true;
      }
    }
    return false;
  }

  /** Whether etcd is stopped: no lease expires. Under lock. */
  private boolean down() {
    for (ActiveFault fault : faults) {
      if (fault.fault instanceof Fault.Down) {
        return true;
      }
    }
    return false;
  }

  private boolean keepAliveFails(FakeRegistration registration) {
    for (ActiveFault fault : faults) {
      if (fault.fault instanceof Fault.Unavailable || fault.fault instanceof Fault.Down
          || (fault.fault instanceof Fault.KeepAliveFailure k && k.registration() == registration)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Under lock: queues a notification that reaches this client over a watch stream (a watch event,
   * a leader change). During an outage it is held back, as a broken etcd watch delivers nothing;
   * {@link #healed()} hands it on when the outage heals, as the watch resumes from its last
   * revision and catches up, in order.
   */
  private void toWatchers(Runnable notification) {
    (unavailable() ? held : pending).add(notification);
  }

  /**
   * Under lock, after a fault healed: failing keep-alives that may work now renew at once, and
   * once no outage is in force what was held back during it is queued for delivery.
   */
  private void healed(boolean downHealed) {
    if (downHealed && !down()) {
      promote(); // etcd started again and elected a leader
    }
    for (FakeRegistration registration : registrations) {
      registration.resumeKeepAlive();
    }
    for (FakeElection election : elections.values()) {
      for (FakeCandidacy candidacy : election.candidacies) {
        candidacy.resumeKeepAlive();
      }
    }
    if (!unavailable()) {
      for (Runnable notification : held) {
        if (!(notification instanceof HeldEvent event)) {
          pending.add(notification);
        } else if (!event.watch.relist) {
          event.watch.pass(event.key, event.event);
        }
      }
      held.clear();
      for (Watch watch : watches) {
        watch.held = 0;
        if (watch.relist) {
          watch.relist();
        }
        if (watch.stale) {
          watch.tell(WatchState.CURRENT); // after what it missed
        }
      }
    }
  }

  private SortedMap<String, Entry> subMap(String prefix) {
    return store.subMap(prefix, prefix + Character.MAX_VALUE);
  }

  /**
   * The instance stored in {@code entry}, or null if its value is not one; added to {@code invalid} the
   * first time only, so that each key and revision is reported once. Under lock.
   */
  private static ServiceInstance instanceOf(String key, Entry entry, List<InvalidEntry> invalid) {
    if (entry.instance == null && entry.invalidReason != null && invalid != null && !entry.reported) {
      entry.reported = true;
      invalid.add(new InvalidEntry(key, entry.value, entry.invalidReason));
    }
    return entry.instance;
  }

  private void report(List<InvalidEntry> invalid) {
    for (InvalidEntry entry : invalid) {
      LOG.log(System.Logger.Level.WARNING, "skipping {0}: {1}", entry.key(), entry.reason());
      try {
        invalidEntryListener.invalidEntry(entry);
      } catch (RuntimeException e) {
        listenerFailures.add(e);
        LOG.log(System.Logger.Level.WARNING, "invalid-entry listener failed", e);
      }
    }
  }

  /** Grants a lease for {@code registration} and puts its key on it. Under lock. */
  private Lease grantAndPut(FakeRegistration registration) {
    Lease lease = new Lease(nextLeaseId++, registration.ttl);
    leases.put(lease.id, lease);
    lease.renew();
    put(registration.key, InstanceCodec.encode(registration.instance, valueFormat), lease.id, registration.instance);
    return lease;
  }

  /** One write: a put at a new revision. Under lock. */
  private void put(String key, String value, long leaseId) {
    put(key, value, leaseId, null);
  }

  /** One write; {@code known} is the instance {@code value} encodes, when the caller has it. Under lock. */
  private void put(String key, String value, long leaseId, ServiceInstance known) {
    revision++;
    Entry previous = store.get(key);
    if (previous != null && previous.leaseId != 0) {
      Lease old = leases.get(previous.leaseId);
      if (old != null) {
        old.keys.remove(key);
      }
    }
    boolean election = key.startsWith(electionsRoot());
    ServiceInstance after = null;
    String invalidReason = null;
    if (!election) {
      if (known != null) {
        after = known;
      } else {
        try {
          after = InstanceCodec.decode(namespace, key, value);
        } catch (InstanceCodec.InvalidValueException e) {
          invalidReason = e.getMessage();
          if (!closed) { // a closed registry reads nothing, so it reports nothing
            InvalidEntry entry = new InvalidEntry(key, value, invalidReason);
            pending.add(() -> report(List.of(entry)));
          }
        }
      }
    }
    Entry written = new Entry(value, leaseId, previous == null ? revision : previous.createRevision, revision,
        after, invalidReason);
    written.reported = invalidReason != null && !closed; // reported above, when written
    store.put(key, written);
    if (leaseId != 0) {
      leases.get(leaseId).keys.add(key);
    }
    if (electionChanged(key)) {
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
  private void delete(String key) {
    Entry previous = store.remove(key);
    if (previous == null) {
      return;
    }
    if (previous.leaseId != 0) {
      Lease lease = leases.get(previous.leaseId);
      if (lease != null) {
        lease.keys.remove(key);
      }
    }
    if (electionChanged(key)) {
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
    for (Watch watch : watches) {
      if (key.startsWith(watch.prefix)) {
        watch.enqueue(key, event);
      }
    }
  }

  /** Adds {@code event} to the history, dropping the oldest beyond the limit. Under lock. */
  private void record(RegistryEvent event) {
    history.addLast(event);
    if (history.size() > historyLimit) {
      history.removeFirst();
    }
  }

  /** Revokes a lease: its keys go in one revision, as in etcd. Under lock. */
  private void revoke(Lease lease) {
    if (!lease.alive()) {
      return;
    }
    leases.remove(lease.id);
    lease.leaveCheck();
    if (!lease.keys.isEmpty()) {
      revision++;
      for (String key : new ArrayList<>(lease.keys)) {
        delete(key);
      }
    }
  }

  /**
   * A third of {@code ttl}, rounded down to the nanosecond as {@code ttl.dividedBy(3)} is, without the
   * BigDecimal arithmetic that made it a visible part of every register.
   */
  private static Duration keepAliveInterval(Duration ttl) {
    return Duration.ofNanos(ttl.toNanos() / 3);
  }

  /** Runs the queued callbacks outside the lock, one at a time, in order. */
  private void deliver() {
    synchronized (pending) {
      if (deliveringThread != null) {
        return; // the thread delivering now (maybe this one, re-entered from a listener) drains it
      }
      deliveringThread = Thread.currentThread();
    }
    try {
      while (true) {
        Runnable next;
        synchronized (lock) {
          next = pending.poll();
        }
        if (next == null) {
          synchronized (pending) {
            synchronized (lock) {
              if (pending.isEmpty()) {
                deliveringThread = null;
                return;
              }
            }
          }
          continue;
        }
        try {
          next.run();
        } catch (RuntimeException | Error e) {
          listenerFailures.add(e);
          LOG.log(System.Logger.Level.WARNING, "a registrykit listener failed", e);
        }
      }
    } catch (RuntimeException | Error e) {
      synchronized (pending) {
        deliveringThread = null;
      }
      throw e;
    }
  }

  // ------------------------------------------------------------------------------------ types

  private static final class Entry {
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

  /** A lease on the "server". Guarded by the registry's lock. */
  private final class Lease {
    final long id;
    final Duration ttl;
    final Set<String> keys = new LinkedHashSet<>();
    Instant expiresAt;
    long renewal;
    Check check;
    FakeRegistration owner;

    Lease(long id, Duration ttl) {
      this.id = id;
      this.ttl = ttl;
    }

    /** Pushes expiry to now + ttl, as a keep-alive does. */
    void renew() {
      renewUntil(clock.instant().plus(ttl));
    }

    /** Sets the expiry and joins the expiry check that will remove the lease if it is not renewed. */
    void renewUntil(Instant expiry) {
      expiresAt = expiry;
      renewal = renewals++;
      Instant due = checkAt(expiry);
      if (check != null && check.due.equals(due)) {
        return;
      }
      leaveCheck();
      check = checks.computeIfAbsent(due, Check::new);
      check.leases.add(this);
    }

    void leaveCheck() {
      if (check != null) {
        check.leases.remove(this);
        if (check.leases.isEmpty()) {
          check.timer.cancel();
          checks.remove(check.due, check);
        }
        check = null;
      }
    }

    /** Whether the server still has this lease. */
    boolean alive() {
      return leases.get(id) == this;
    }

    /** Under lock: the lease ran out; its keys go in one revision and its owner learns it. */
    void expire() {
      revoke(this);
      if (owner != null && owner.lease == this) {
        owner.leaseExpired();
      }
    }
  }

  /** The first expiry check at or after {@code expiry}. */
  private Instant checkAt(Instant expiry) {
    if (expiryCheckInterval.isZero()) {
      return expiry;
    }
    Duration between = Duration.between(clock.start(), expiry);
    if (between.getSeconds() >= LONG_NANOS_SECONDS || expiryCheckInterval.getSeconds() >= LONG_NANOS_SECONDS) {
      // a TTL of up to etcd's 285 years, years after the clock started: past what a long of nanoseconds holds
      Duration checks = expiryCheckInterval.multipliedBy(between.dividedBy(expiryCheckInterval));
      Instant check = clock.start().plus(checks);
      return check.isBefore(expiry) ? check.plus(expiryCheckInterval) : check;
    }
    long interval = expiryCheckInterval.toNanos();
    long since = between.toNanos();
    long checks = Math.floorDiv(since, interval) + (Math.floorMod(since, interval) == 0 ? 0 : 1);
    return clock.start().plusNanos(checks * interval);
  }

  /** Below this many seconds, two durations' sum in nanoseconds fits in a long. */
  private static final long LONG_NANOS_SECONDS = 4_000_000_000L;

  /** One expiry check of the lessor, at {@link #due}: removes the leases that ran out by then. */
  private final class Check {
    final Instant due;
    final Set<Lease> leases = new LinkedHashSet<>();
    final FakeClock.Timer timer;

    Check(Instant due) {
      this.due = due;
      this.timer = clock.schedule(due, this::run);
    }

    private void run() {
      synchronized (lock) {
        if (checks.get(due) != this) {
          return;
        }
        checks.remove(due);
        List<Lease> expiring = new ArrayList<>(leases);
        leases.clear();
        for (Lease lease : expiring) {
          lease.check = null;
        }
        if (down()) {
          return; // no server runs to expire them; the leader elected when it heals renews them all
        }
        expiring.sort(Comparator.comparing((Lease l) -> l.expiresAt).thenComparingLong(l -> l.renewal));
        for (Lease lease : expiring) {
          if (lease.alive() && !lease.expiresAt.isAfter(clock.instant())) {
            lease.expire();
          }
        }
      }
      deliver();
    }
  }

  private final class Watch implements Subscription {
    final String prefix;
    final RegistryListener listener;
    volatile boolean open = true;
    /** What this watch has passed on to its listener (delivered or queued), by key. Under lock. */
    final TreeMap<String, Known> known = new TreeMap<>();
    /** How many of its events an outage holds back now. Under lock. */
    int held;
    /** It cannot resume where it stopped (compacted, wiped): it lists again when it can. Under lock. */
    boolean relist;
    /** It told its listener {@link WatchState#STALE} last. Under lock. */
    boolean stale;

    Watch(String prefix, RegistryListener listener) {
      this.prefix = prefix;
      this.listener = listener;
    }

    /**
     * Under lock: queues {@code event} of {@code key} for delivery; during an outage holds it back, as
     * a broken etcd watch delivers nothing (or drops it if this watch will list again anyway).
     */
    void enqueue(String key, RegistryEvent event) {
      if (unavailable()) {
        if (!relist) {
          held++;
          FakeRegistry.this.held.add(new HeldEvent(this, key, event));
        }
        return;
      }
      pass(key, event);
    }

    /** Under lock: records {@code event} as passed on and queues its delivery. */
    void pass(String key, RegistryEvent event) {
      if (event instanceof RegistryEvent.Removed) {
        known.remove(key);
      } else {
        known.put(key, new Known(event.instance(), event.revision(), epoch));
      }
      pending.add(() -> {
        if (open) {
          listener.onEvent(event);
        }
      });
    }

    /** Under lock: queues a state change for delivery, in order with the events. */
    void tell(WatchState state) {
      stale = state == WatchState.STALE;
      pending.add(() -> {
        if (open) {
          listener.onStateChange(state);
        }
      });
    }

    /**
     * Under lock: lists the store again, as a watch that cannot resume from its revision does, and
     * passes on the differences from what it last passed on, in key order, at the current revision:
     * nothing for an instance that came and went meanwhile.
     */
    void relist() {
      relist = false;
      held = 0;
      TreeMap<String, ServiceInstance> now = new TreeMap<>();
      TreeMap<String, Entry> entries = new TreeMap<>();
      for (Map.Entry<String, Entry> e : subMap(prefix).entrySet()) {
        if (e.getValue().instance != null) {
          now.put(e.getKey(), e.getValue().instance);
          entries.put(e.getKey(), e.getValue());
        }
      }
      // As EtcdWatch resynchronises: Added and Updated at the write's own revision, Removed at the
      // listing's, in revision order (ties in key order); Updated only where the instance changed.
      TreeSet<String> keys = new TreeSet<>(known.keySet());
      keys.addAll(now.keySet());
      List<Map.Entry<String, RegistryEvent>> differences = new ArrayList<>();
      for (String key : keys) {
        Known before = known.get(key);
        Entry after = entries.get(key);
        if (before == null) {
          differences.add(Map.entry(key, new RegistryEvent.Added(after.instance, after.modRevision)));
          known.put(key, new Known(after.instance, after.modRevision, epoch));
        } else if (after == null) {
          differences.add(Map.entry(key, new RegistryEvent.Removed(before.instance, revision)));
        } else if (before.modRevision != after.modRevision || before.epoch != epoch) {
          if (!before.instance.equals(after.instance)) {
            differences.add(Map.entry(key, new RegistryEvent.Updated(after.instance, before.instance, after.modRevision)));
          }
          known.put(key, new Known(after.instance, after.modRevision, epoch));
        }
      }
      differences.sort(Comparator.comparingLong(e -> e.getValue().revision()));
      for (Map.Entry<String, RegistryEvent> difference : differences) {
        pass(difference.getKey(), difference.getValue());
      }
    }

    @Override
    public void close() {
      open = false;
      synchronized (lock) {
        watches.remove(this);
      }
    }
  }

  /** An instance a watch has passed on: its value, and the revision and epoch of that value's write. */
  private record Known(ServiceInstance instance, long modRevision, long epoch) {
  }

  /** Whose connection a candidacy uses: this registry's, which its faults cut, or another program's. */
  private enum Connection {
    THIS_CLIENT,
    ANOTHER_CLIENT
  }

  /**
   * A client's own count of its lease, as EtcdRegistration keeps it: {@code onPassed} runs when no
   * renewal succeeded for a whole TTL. Under lock.
   */
  private final class ClientDeadline {
    private final Runnable onPassed;
    /** A keep-alive tick failed since the last renewal. */
    boolean failing;
    private FakeClock.Timer timer;

    ClientDeadline(Runnable onPassed) {
      this.onPassed = onPassed;
    }

    /** A renewal succeeded now: the TTL counts from here. */
    void renewed(Duration ttl) {
      failing = false;
      cancel();
      timer = clock.schedule(clock.instant().plus(ttl), onPassed);
    }

    void cancel() {
      if (timer != null) {
        timer.cancel();
        timer = null;
      }
    }
  }

  /** A watch event an outage holds back. */
  private record HeldEvent(Watch watch, String key, RegistryEvent event) implements Runnable {
    @Override
    public void run() {
      throw new IllegalStateException("a held event is passed on by its watch, never run");
    }
  }

  private final class ActiveFault implements InjectedFault {
    final Fault fault;

    ActiveFault(Fault fault) {
      this.fault = fault;
    }

    @Override
    public Fault fault() {
      return fault;
    }

    @Override
    public void heal() {
      synchronized (lock) {
        if (!faults.remove(this)) {
          return;
        }
        healed(fault instanceof Fault.Down);
      }
      deliver();
    }

    @Override
    public String toString() {
      return "InjectedFault[" + fault + "]";
    }
  }

  private final class FakeRegistration implements Registration {
    final ServiceInstance instance;
    final Duration ttl;
    final String key;
    final long order;
    final List<RegistrationListener> listeners = new CopyOnWriteArrayList<>();
    volatile RegistrationState state = RegistrationState.ACTIVE;
    boolean crashed;
    Lease lease;
    FakeClock.Timer keepAlive;
    final ClientDeadline deadline = new ClientDeadline(this::deadlinePassed);

    FakeRegistration(ServiceInstance instance, Duration ttl, long order) {
      this.instance = instance;
      this.ttl = ttl;
      this.key = InstanceCodec.key(namespace, instance);
      this.order = order;
    }

    FakeRegistry registry() {
      return FakeRegistry.this;
    }

    void attach(Lease lease) {
      this.lease = lease;
      lease.owner = this;
      renewed();
    }

    /** Under lock: a renewal succeeded now; the client counts the TTL from here. */
    void renewed() {
      deadline.renewed(ttl);
    }

    /** No renewal succeeded for a whole TTL: the client gives up, as EtcdRegistration does. */
    private void deadlinePassed() {
      synchronized (lock) {
        if (state == RegistrationState.ACTIVE) {
          changeState(RegistrationState.LOST);
        }
      }
      deliver();
    }

    /** Under lock: this registration no longer counts as the live one of its key. */
    void forget() {
      registrations.remove(this);
      liveByKey.remove(key, this);
      deadline.cancel();
    }

    @Override
    public ServiceInstance instance() {
      return instance;
    }

    @Override
    public Duration ttl() {
      return ttl;
    }

    @Override
    public RegistrationState state() {
      return state;
    }

    @Override
    public Subscription addListener(RegistrationListener listener) {
      Validation.requireNonNull(listener, "listener");
      listeners.add(listener);
      return () -> listeners.remove(listener);
    }

    /** Keep-alive, as jetcd does it: every TTL/3. Under lock. */
    void scheduleKeepAlive() {
      keepAlive = clock.schedule(clock.instant().plus(keepAliveInterval(ttl)), this::tick);
    }

    void cancelKeepAlive() {
      if (keepAlive != null) {
        keepAlive.cancel();
        keepAlive = null;
      }
    }

    private void tick() {
      synchronized (lock) {
        if (state == RegistrationState.CLOSED || crashed) {
          return;
        }
        if (!keepAliveFails(this)) {
          if (state == RegistrationState.ACTIVE && lease.alive()) {
            lease.renew();
            renewed();
          } else if (state == RegistrationState.ACTIVE) {
            // etcd answers "lease not found": LOST, and recovery tries at once, in this same tick
            changeState(RegistrationState.LOST);
            if (recovery == Recovery.REREGISTER) {
              recover();
            }
          } else if (state == RegistrationState.LOST && recovery == Recovery.REREGISTER) {
            recover();
          }
        } else if (state == RegistrationState.ACTIVE) {
          deadline.failing = true;
        }
        scheduleKeepAlive();
      }
      deliver();
    }

    /**
     * Under lock, when a fault heals: a keep-alive stream that was failing reconnects and renews at
     * once, as jetcd's does, rather than at the next tick (which may come too late for the lease).
     */
    void resumeKeepAlive() {
      if (deadline.failing && state == RegistrationState.ACTIVE && !crashed && !keepAliveFails(this)
          && lease.alive()) {
        lease.renew();
        renewed();
      }
    }

    /**
     * Under lock: registers again with a new lease and the same data, as EtcdRegistration's recovery
     * does: the put replaces the key (whatever lease holds it), then the old lease, if the server still
     * has it, is revoked; it holds no key any more.
     */
    void recover() {
      Lease old = lease;
      attach(grantAndPut(this));
      if (old != null && old.alive()) {
        revoke(old);
      }
      changeState(RegistrationState.ACTIVE);
    }

    /** The lease ran out. Under lock. */
    void leaseExpired() {
      if (state == RegistrationState.ACTIVE) {
        changeState(RegistrationState.LOST);
      }
    }

    /** Replaced by a newer registration of the same key: revoke our lease, which holds no key now. */
    void closeWithoutDelete() {
      cancelKeepAlive();
      Lease mine = lease;
      if (mine != null) {
        revoke(mine);
      }
      changeState(RegistrationState.CLOSED);
      forget();
    }

    /** Stop keep-alive and let go, without reaching the server. Under lock. */
    void abandon() {
      cancelKeepAlive();
      deadline.cancel();
      changeState(RegistrationState.CLOSED);
      forget();
    }

    /** Delete the key if our lease still holds it, revoke the lease. Under lock. */
    void deregister() {
      if (state == RegistrationState.CLOSED) {
        return;
      }
      cancelKeepAlive();
      if (lease != null) {
        revoke(lease);
      }
      changeState(RegistrationState.CLOSED);
      forget();
    }

    private void changeState(RegistrationState next) {
      RegistrationState previous = state;
      if (previous == next) {
        return;
      }
      state = next;
      for (RegistrationListener listener : listeners) {
        pending.add(() -> listener.stateChanged(this, previous, next));
      }
    }

    /**
     * Deregisters. While the fake is unavailable the state still becomes CLOSED and keep-alive stops
     * (the key vanishes when the lease runs out), and the failure is thrown.
     */
    @Override
    public void close() {
      RegistryUnavailableException failure = null;
      synchronized (lock) {
        if (state == RegistrationState.CLOSED) {
          return;
        }
        if (unavailable()) {
          abandon();
          failure = new RegistryUnavailableException("deregistering " + key + " failed: the fake registry is "
              + "unavailable (injected Fault.unavailable()); the key vanishes when its lease runs out");
        } else {
          deregister();
        }
      }
      deliver();
      if (failure != null) {
        throw failure;
      }
    }

    @Override
    public String toString() {
      return "FakeRegistration[" + key + ", ttl=" + ttl + ", " + state + "]";
    }
  }

  // ------------------------------------------------------------------------------------ elections

  private String electionsRoot() {
    return namespace + "-elections/";
  }

  /** If {@code key} belongs to an election, re-decides who leads it; whether it did. Under lock. */
  private boolean electionChanged(String key) {
    String root = electionsRoot();
    if (!key.startsWith(root)) {
      return false;
    }
    String rest = key.substring(root.length());
    int slash = rest.indexOf('/');
    FakeElection election = slash < 0 ? null : elections.get(rest.substring(0, slash));
    if (election != null) {
      election.decide();
    }
    return true;
  }

  private final class FakeElection implements Election {
    final String name;
    final String prefix;
    final List<FakeCandidacy> candidacies = new ArrayList<>();
    final List<Observer> observers = new ArrayList<>();
    Optional<Leader> current = Optional.empty();
    long candidates;

    FakeElection(String name) {
      this.name = name;
      this.prefix = electionsRoot() + name + "/";
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public Candidacy campaign(String candidateId, Duration ttl) {
      return campaign(candidateId, ttl, Connection.THIS_CLIENT);
    }

    Candidacy campaign(String candidateId, Duration ttl, Connection connection) {
      Validation.requireName("candidateId", candidateId);
      Validation.requireTtl(ttl);
      FakeCandidacy candidacy;
      synchronized (lock) {
        if (connection == Connection.THIS_CLIENT) {
          checkUsable("campaign");
        } else {
          checkOtherClient("campaignFromAnotherClient");
        }
        Duration granted = ttl.compareTo(minimumTtl) < 0 ? minimumTtl : ttl;
        Lease lease = new Lease(nextLeaseId++, granted);
        leases.put(lease.id, lease);
        lease.renew();
        candidacy = new FakeCandidacy(this, candidateId, granted, lease,
            prefix + String.format("%016x", lease.id), connection);
        candidacies.add(candidacy);
        put(candidacy.key, candidateId, lease.id);
        candidacy.renewed();
        candidacy.scheduleKeepAlive();
      }
      deliver();
      return candidacy;
    }

    @Override
    public Optional<Leader> leader() {
      synchronized (lock) {
        checkUsable("leader");
        return current;
      }
    }

    @Override
    public Subscription observe(LeaderListener listener) {
      Validation.requireNonNull(listener, "listener");
      Observer observer = new Observer(this, listener);
      synchronized (lock) {
        checkUsable("observe");
        observers.add(observer);
        observer.tell(current);
      }
      deliver();
      return observer;
    }

    /** The leader is the key with the smallest create revision. Under lock. */
    void decide() {
      Map.Entry<String, Entry> first = null;
      for (Map.Entry<String, Entry> e : subMap(prefix).entrySet()) {
        if (first == null || e.getValue().createRevision < first.getValue().createRevision) {
          first = e;
        }
      }
      String leaderKey = first == null ? null : first.getKey();
      Optional<Leader> next = first == null ? Optional.empty()
          : Optional.of(new Leader(name, first.getValue().value, first.getValue().createRevision));
      for (FakeCandidacy candidacy : new ArrayList<>(candidacies)) {
        if (!store.containsKey(candidacy.key)) {
          candidacy.end(CandidacyState.LOST, false);
        } else if (candidacy.key.equals(leaderKey) && candidacy.state == CandidacyState.WAITING) {
          candidacy.token = first.getValue().createRevision;
          candidacy.changeState(CandidacyState.LEADING);
        }
      }
      if (!next.equals(current)) {
        current = next;
        for (Observer observer : observers) {
          observer.tell(next);
        }
      }
    }
  }

  /** One {@link Election#observe} subscription; silent once closed, even for changes already queued. */
  private final class Observer implements Subscription {
    final FakeElection election;
    final LeaderListener listener;
    volatile boolean open = true;

    Observer(FakeElection election, LeaderListener listener) {
      this.election = election;
      this.listener = listener;
    }

    /** Under lock: queues the leader for delivery (held back while the fake is unavailable). */
    void tell(Optional<Leader> leader) {
      toWatchers(() -> {
        if (open) {
          listener.leaderChanged(leader);
        }
      });
    }

    @Override
    public void close() {
      open = false;
      synchronized (lock) {
        election.observers.remove(this);
      }
    }
  }

  private final class FakeCandidacy implements Candidacy {
    final FakeElection election;
    final String candidateId;
    final Duration ttl;
    final Lease lease;
    final String key;
    final Connection connection;
    final List<CandidacyListener> listeners = new CopyOnWriteArrayList<>();
    volatile CandidacyState state = CandidacyState.WAITING;
    volatile long token;
    boolean crashed;
    FakeClock.Timer keepAlive;
    final ClientDeadline deadline = new ClientDeadline(this::deadlinePassed);

    FakeCandidacy(FakeElection election, String candidateId, Duration ttl, Lease lease, String key,
        Connection connection) {
      this.election = election;
      this.candidateId = candidateId;
      this.ttl = ttl;
      this.lease = lease;
      this.key = key;
      this.connection = connection;
    }

    /** Whether its connection is cut now. Under lock. */
    boolean cutOff() {
      return connection == Connection.THIS_CLIENT ? unavailable() : down();
    }

    FakeRegistry registry() {
      return FakeRegistry.this;
    }

    @Override
    public String election() {
      return election.name;
    }

    @Override
    public String candidateId() {
      return candidateId;
    }

    @Override
    public Duration ttl() {
      return ttl;
    }

    @Override
    public CandidacyState state() {
      return state;
    }

    @Override
    public OptionalLong fencingToken() {
      return state == CandidacyState.LEADING ? OptionalLong.of(token) : OptionalLong.empty();
    }

    /**
     * Waits, in real time, for leadership: on the fake, leadership changes only when the clock or
     * another candidate moves, so a test that waits here needs another thread to move them.
     */
    @Override
    public boolean awaitLeadership(Duration timeout) {
      Waits.awaitWhile(this, () -> state == CandidacyState.WAITING, timeout, "awaitLeadership of " + candidateId);
      return state == CandidacyState.LEADING;
    }

    @Override
    public Subscription addListener(CandidacyListener listener) {
      Validation.requireNonNull(listener, "listener");
      listeners.add(listener);
      return () -> listeners.remove(listener);
    }

    void scheduleKeepAlive() {
      keepAlive = clock.schedule(clock.instant().plus(keepAliveInterval(ttl)), this::tick);
    }

    void cancelKeepAlive() {
      if (keepAlive != null) {
        keepAlive.cancel();
        keepAlive = null;
      }
    }

    private void tick() {
      synchronized (lock) {
        if (crashed || state == CandidacyState.LOST || state == CandidacyState.RESIGNED) {
          return;
        }
        if (cutOff()) {
          deadline.failing = true;
        } else if (lease.alive()) {
          lease.renew();
          renewed();
        }
        scheduleKeepAlive();
      }
      deliver();
    }

    /** Under lock, when a fault heals: as {@link FakeRegistration#resumeKeepAlive()}. */
    void resumeKeepAlive() {
      if (deadline.failing && !crashed && !cutOff() && lease.alive()) {
        lease.renew();
        renewed();
      }
    }

    /** Under lock: a renewal succeeded now; the client counts the TTL from here. */
    void renewed() {
      deadline.renewed(ttl);
    }

    /**
     * No renewal succeeded for a whole TTL: the candidacy counts itself LOST, so that it never believes
     * it leads past its lease, even while the server has not removed its key yet.
     */
    private void deadlinePassed() {
      synchronized (lock) {
        end(CandidacyState.LOST, false);
      }
      deliver();
    }

    /** Under lock: leaves the election as {@code how}; revokes the lease if the store can be reached. */
    void end(CandidacyState how, boolean revoke) {
      if (state == CandidacyState.LOST || state == CandidacyState.RESIGNED) {
        return;
      }
      cancelKeepAlive();
      deadline.cancel();
      election.candidacies.remove(this);
      changeState(how);
      if (revoke) {
        revoke(lease); // deletes the key: the next candidate leads
      }
    }

    void changeState(CandidacyState next) {
      CandidacyState previous = state;
      state = next;
      synchronized (this) {
        notifyAll();
      }
      for (CandidacyListener listener : listeners) {
        pending.add(() -> listener.stateChanged(this, previous, next));
      }
    }

    @Override
    public void close() {
      RegistryUnavailableException failure = null;
      synchronized (lock) {
        boolean reachable = !cutOff();
        end(CandidacyState.RESIGNED, reachable);
        if (!reachable) {
          failure = new RegistryUnavailableException("resigning " + candidateId + " from " + election.name
              + " failed: the fake registry is unavailable; its place goes when its lease runs out");
        }
      }
      deliver();
      if (failure != null) {
        throw failure;
      }
    }

    @Override
    public String toString() {
      return "FakeCandidacy[" + election.name + "/" + candidateId + ", " + state + "]";
    }
  }

  /** Builds a {@link FakeRegistry}; {@link #build()} validates. */
  public static final class Builder {
    private FakeClock clock;
    private Duration minimumTtl = Duration.ofSeconds(2);
    private Duration defaultTtl = Registry.DEFAULT_TTL;
    private String namespace = "/services";
    private Recovery recovery = Recovery.REREGISTER;
    private int historyLimit = 100_000;
    private InvalidEntryListener invalidEntryListener = entry -> { };
    private Duration expiryCheckInterval = Duration.ofMillis(500);
    private Duration electionTimeout = Duration.ofSeconds(1);
    private InstanceCodec.Format valueFormat = InstanceCodec.Format.ORIGIN;

    private Builder() {
    }

    /**
     * Every registration also writes {@code "Addr":"host:port"} beside the origin's properties, as
     * {@code EtcdRegistry.Builder.withGoNamingAddr()} does (for etcd's Go {@code naming/endpoints}
     * readers): the port is the {@code grpc.port} metadata entry when there is one, else the
     * address's; an address without a port (and no {@code grpc.port}) gets no {@code Addr}. Off by default.
     */
    public Builder withGoNamingAddr() {
      this.valueFormat = InstanceCodec.Format.WITH_GO_ADDR;
      return this;
    }

    /**
     * How often expired leases are removed, as etcd's lessor checks for them about every 500 ms: a
     * lease that runs out is revoked (its keys deleted, watchers told) at the next check, at or after
     * its expiry. Checks fall at the clock's {@linkplain FakeClock#startingAt start instant} plus whole
     * multiples of the interval (with {@link FakeClock#create()}: every .0 and .5 s). 500 ms by default;
     * {@link Duration#ZERO} removes a lease at exactly its expiry. A registration turns {@code LOST}
     * client-side at its own deadline all the same; only the key's removal waits for the check.
     *
     * @throws IllegalArgumentException if {@code interval} is negative
     */
    public Builder withExpiryCheckInterval(Duration interval) {
      this.expiryCheckInterval = notNegative("expiryCheckInterval", interval);
      return this;
    }

    /**
     * What a leader change adds to every lease: on promotion etcd's lessor renews each lease to its
     * TTL plus the election timeout, so that no lease runs out because the cluster had no leader.
     * Used by {@link FakeRegistry#changeLeader()} and when a {@link Fault#down()} heals. 1 s by default
     * (etcd's {@code --election-timeout=1000}); {@link Duration#ZERO} renews to the TTL alone.
     *
     * @throws IllegalArgumentException if {@code electionTimeout} is negative
     */
    public Builder withElectionTimeout(Duration electionTimeout) {
      this.electionTimeout = notNegative("electionTimeout", electionTimeout);
      return this;
    }

    private static Duration notNegative(String name, Duration duration) {
      Objects.requireNonNull(duration, name + " must not be null");
      if (duration.isNegative()) {
        throw new IllegalArgumentException(name + " must not be negative but was: " + duration);
      }
      return duration;
    }

    /** The clock to run on (share one clock between several fakes); a fresh one by default. */
    public Builder withClock(FakeClock clock) {
      this.clock = Objects.requireNonNull(clock, "clock must not be null");
      return this;
    }

    /**
     * The least TTL granted, as etcd's minimum TTL; 2 s by default (etcd's default flags). An etcd
     * started with {@code --election-timeout=100} grants 1 s: use {@code Duration.ofSeconds(1)} to
     * match it.
     */
    public Builder withMinimumTtl(Duration minimumTtl) {
      this.minimumTtl = Validation.requireWholeSeconds(minimumTtl, "minimumTtl");
      return this;
    }

    /** The TTL of {@link Registry#register(ServiceInstance)}; 30 s by default, as in the origin. */
    public Builder withDefaultTtl(Duration defaultTtl) {
      this.defaultTtl = Validation.requireWholeSeconds(defaultTtl, "defaultTtl");
      return this;
    }

    /** The key root, {@code /services} by default. */
    public Builder withNamespace(String namespace) {
      this.namespace = Validation.requireNamespace(namespace);
      return this;
    }

    /** What happens when a lease runs out while the process lives; {@link Recovery#REREGISTER} by default. */
    public Builder withRecovery(Recovery recovery) {
      this.recovery = Objects.requireNonNull(recovery, "recovery must not be null");
      return this;
    }

    /**
     * How many events {@link FakeRegistry#history()} keeps (the oldest go first): 100,000 by default,
     * so that a long-running fake (a demo, a benchmark) does not grow without bound.
     */
    public Builder withHistoryLimit(int historyLimit) {
      if (historyLimit <= 0) {
        throw new IllegalArgumentException("historyLimit must be positive but was: " + historyLimit);
      }
      this.historyLimit = historyLimit;
      return this;
    }

    /**
     * Told about entries that listings and watches skip because their value is not an instance, once
     * per key and modification revision (when written; a later write of a bad value is told again).
     */
    public Builder withInvalidEntryListener(InvalidEntryListener listener) {
      this.invalidEntryListener = Validation.requireNonNull(listener, "invalidEntryListener");
      return this;
    }

    /** Builds the fake. */
    public FakeRegistry build() {
      return new FakeRegistry(this);
    }
  }
}
