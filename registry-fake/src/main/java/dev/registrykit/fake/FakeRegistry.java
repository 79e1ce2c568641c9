package dev.registrykit.fake;

import dev.registrykit.Candidacy;
import dev.registrykit.Election;
import dev.registrykit.InvalidEntryListener;
import dev.registrykit.Recovery;
import dev.registrykit.Registration;
import dev.registrykit.RegistrationState;
import dev.registrykit.Registry;
import dev.registrykit.RegistryClosedException;
import dev.registrykit.RegistryEvent;
import dev.registrykit.RegistryListener;
import dev.registrykit.RegistryUnavailableException;
import dev.registrykit.ServiceInstance;
import dev.registrykit.Subscription;
import dev.registrykit.internal.InstanceCodec;
import dev.registrykit.internal.Validation;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeSet;

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
 *       default {@link Recovery#defaults()}; {@link Recovery#disabled()} leaves it {@code LOST}.
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

  private final FakeContext context;

  private FakeRegistry(Builder builder) {
    this.context = new FakeContext(new FakeSettings(builder.clock != null ? builder.clock : FakeClock.create(),
        builder.minimumTtl, builder.defaultTtl, builder.namespace, builder.recovery, builder.historyLimit,
        builder.invalidEntryListener, builder.expiryCheckInterval, builder.electionTimeout, builder.valueFormat));
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
    return context.clock;
  }

  /** The key root, {@code /services} unless configured. */
  public String namespace() {
    return context.settings.namespace();
  }

  /** The least TTL this fake grants. */
  public Duration minimumTtl() {
    return context.settings.minimumTtl();
  }

  @Override
  public Duration defaultTtl() {
    return context.settings.defaultTtl();
  }

  /** How often expired leases are removed; see {@link Builder#withExpiryCheckInterval(Duration)}. */
  public Duration expiryCheckInterval() {
    return context.settings.expiryCheckInterval();
  }

  /** What a leader change adds to every lease; see {@link Builder#withElectionTimeout(Duration)}. */
  public Duration electionTimeout() {
    return context.settings.electionTimeout();
  }

  // ------------------------------------------------------------------------------------- registry

  @Override
  public Registration register(ServiceInstance instance, Duration ttl) {
    Objects.requireNonNull(instance, "instance must not be null");
    Validation.requireTtl(ttl);
    InstanceCodec.requireWritable(instance, context.settings.valueFormat());
    return context.clients.register(instance, ttl);
  }

  @Override
  public List<ServiceInstance> instances(String serviceName) {
    Validation.requireServiceName(serviceName);
    // key order is not id order for keys outside the id alphabet (127.0.0.1:1 is the id 127.0.0.1%3A1)
    List<ServiceInstance> result = context.store.list(InstanceCodec.servicePrefix(namespace(), serviceName), "instances");
    result.sort(InstanceCodec.LISTING_ORDER);
    return Collections.unmodifiableList(result);
  }

  @Override
  public SortedSet<String> services() {
    SortedSet<String> result = new TreeSet<>();
    for (ServiceInstance instance : context.store.list(InstanceCodec.namespacePrefix(namespace()), "services")) {
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
    List<ServiceInstance> result = context.store.list(InstanceCodec.namespacePrefix(namespace()), "allInstances");
    result.sort(InstanceCodec.LISTING_ORDER);
    return Collections.unmodifiableList(result);
  }

  @Override
  public Subscription watch(String serviceName, RegistryListener listener) {
    Validation.requireServiceName(serviceName);
    return context.watches.start(InstanceCodec.servicePrefix(namespace(), serviceName), listener, "watch");
  }

  @Override
  public Subscription watchAll(RegistryListener listener) {
    return context.watches.start(InstanceCodec.namespacePrefix(namespace()), listener, "watchAll");
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
    context.close();
  }

  // -------------------------------------------------------------------------------- test controls

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
    context.clients.crash(registration);
  }

  /**
   * Makes {@code candidacy}'s process die without resigning: keep-alive stops, and it keeps its
   * place (or its leadership) until its lease runs out; then the next candidate leads.
   *
   * @throws IllegalArgumentException if {@code candidacy} did not come from this registry
   * @throws RegistryClosedException  if this registry was closed
   */
  public void crash(Candidacy candidacy) {
    context.clients.crash(candidacy);
  }

  @Override
  public Election election(String name) {
    Validation.requireName("name", name);
    return context.elections.election(name);
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
    return context.elections.campaignFromAnotherClient(election, candidateId, ttl);
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
      context.clients.own(failure.registration(), "inject");
    }
    return context.faults.inject(fault);
  }

  /** The faults in force now, in the order they were injected. */
  public List<Fault> faults() {
    return context.faults.list();
  }

  /** Heals every fault in force (what watchers missed during an outage reaches them now). */
  public void healAll() {
    context.faults.healAll();
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
    context.store.putRaw(key, value);
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
    Duration granted = context.settings.granted(ttl);
    context.store.putRaw(key, value, granted);
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
    return context.store.deleteRaw(key);
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
    return context.store.getRaw(key);
  }

  /**
   * The events that happened in this registry, in revision order (watches' initial snapshots aside):
   * all of them, or the last {@link Builder#withHistoryLimit(int) historyLimit}.
   */
  public List<RegistryEvent> history() {
    return context.store.history();
  }

  /**
   * Forgets the events recorded so far, so that {@link #history()} shows only what happens next
   * (say, after a test's setup). Revisions go on from where they were.
   */
  public void clearHistory() {
    context.store.clearHistory();
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
    context.lessor.changeLeader();
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
    context.store.wipe();
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
    context.watches.compact();
  }

  /**
   * The server forgets {@code registration}'s lease, as an administrator's revoke, or a lease that
   * ran out while the client believed it alive: its key is deleted at once (watchers see {@link
   * RegistryEvent.Removed}). At its next keep-alive tick the registration hears "lease not found": it
   * turns {@link RegistrationState#LOST LOST} and, with {@link Recovery.Reregister}, registers again
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
    context.clients.loseLease(registration);
  }

  /** The id of {@code registration}'s lease now; for tests of this package. */
  long leaseId(Registration registration) {
    return context.clients.leaseId(registration);
  }

  /** Every key now with the id of its lease (0: none), in key order; for tests of this package. */
  SortedMap<String, Long> keysWithLeases() {
    return context.store.keysWithLeases();
  }

  /** Whether the server has a lease of this id; for tests of this package. */
  boolean hasLease(long id) {
    return context.lessor.has(id);
  }

  /** The store revision now: that of the last write. */
  public long revision() {
    synchronized (context.lock) {
      return context.store.revision();
    }
  }

  /** Exceptions thrown by listeners (logged and otherwise ignored), for tests that check them. */
  public List<Throwable> listenerFailures() {
    return context.callbacks.listenerFailures();
  }

  private void requireUnderNamespace(String key) {
    if (!key.startsWith(InstanceCodec.namespacePrefix(namespace()))) {
      throw new IllegalArgumentException("key must be under the namespace " + namespace() + "/ but was: \"" + key + "\"");
    }
  }

  /** Builds a {@link FakeRegistry}; {@link #build()} validates. */
  public static final class Builder {
    private FakeClock clock;
    private Duration minimumTtl = Duration.ofSeconds(2);
    private Duration defaultTtl = Registry.DEFAULT_TTL;
    private String namespace = "/services";
    private Recovery recovery = Recovery.defaults();
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
      this.expiryCheckInterval = Validation.requireNotNegative(interval, "expiryCheckInterval");
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
      this.electionTimeout = Validation.requireNotNegative(electionTimeout, "electionTimeout");
      return this;
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

    /**
     * What happens when a lease runs out while the process lives; {@link Recovery#defaults()} by default.
     * A {@link Recovery.Reregister} registers again at the first keep-alive tick (every TTL/3) that
     * reaches the server; an attempt never fails on the fake, so its backoff bounds change nothing here.
     */
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
