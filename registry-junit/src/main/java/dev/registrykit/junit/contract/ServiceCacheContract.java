package dev.registrykit.junit.contract;

import static dev.registrykit.junit.RegistryAssertions.assertThat;
import static dev.registrykit.junit.contract.ContractSupport.BILLING_1;
import static dev.registrykit.junit.contract.ContractSupport.LONG_TTL;
import static dev.registrykit.junit.contract.ContractSupport.ORDERS_1;
import static dev.registrykit.junit.contract.ContractSupport.ORDERS_2;
import static dev.registrykit.junit.contract.ContractSupport.ORDERS_3;
import static dev.registrykit.junit.contract.ContractSupport.SHORT_TTL;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.registrykit.CacheChange;
import dev.registrykit.CacheListener;
import dev.registrykit.CacheState;
import dev.registrykit.NoInstanceAvailableException;
import dev.registrykit.PickStrategy;
import dev.registrykit.Registration;
import dev.registrykit.Registry;
import dev.registrykit.RegistryClosedException;
import dev.registrykit.RegistryEvent;
import dev.registrykit.RegistryListener;
import dev.registrykit.ServiceCache;
import dev.registrykit.ServiceInstance;
import dev.registrykit.Subscription;
import dev.registrykit.WatchState;
import dev.registrykit.fake.FakeClock;
import dev.registrykit.junit.RecordingListener;
import dev.registrykit.junit.BackendControls;
import dev.registrykit.junit.RegistryTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * The behaviour of a {@link ServiceCache} on a {@link Registry}, as tests, run as {@link
 * RegistryContract} is: extend this class and annotate the subclass with the extension that supplies
 * the registry.
 *
 * <pre>{@code
 * @FakeRegistryTest(minimumTtlSeconds = 1)
 * class FakeServiceCacheContractTest extends ServiceCacheContract { }
 *
 * @EtcdRegistryTest
 * class EtcdServiceCacheContractTest extends ServiceCacheContract { }
 * }</pre>
 *
 * <p>The cache is written once on the public {@link Registry#watch watch}, so these tests are also
 * the contract of the watch's {@link RegistryListener#onStateChange(WatchState) state}: {@code
 * CURRENT} after the first listing, {@code STALE} during an outage, {@code CURRENT} after the
 * differences once healed. Down periods run on a {@code FakeClock} of the test's own, on both
 * backends: the cache's down period needs no registry time, and no test sleeps for it.
 */
public abstract class ServiceCacheContract {

  /** For the subclass that runs the contract (see above). */
  protected ServiceCacheContract() {
  }

  // ------------------------------------------------------------------------------ the listing

  @Test
  public void aCacheHoldsTheInstancesPresentWhenBuiltSortedById(Registry registry) {
    registry.register(ORDERS_3, LONG_TTL);
    registry.register(ORDERS_1, LONG_TTL);
    registry.register(BILLING_1, LONG_TTL);
    registry.register(ORDERS_2, LONG_TTL);

    try (ServiceCache cache = ServiceCache.builder(registry, "orders").build()) {
      assertThat(cache).isCurrent().hasInstances(ORDERS_1, ORDERS_2, ORDERS_3);
      assertThat(cache.serviceName()).isEqualTo("orders");
      assertThatThrownBy(() -> cache.instances().add(BILLING_1)).isInstanceOf(UnsupportedOperationException.class);
    }
  }

  @Test
  public void theRegistryShortcutBuildsACacheWithTheDefaults(Registry registry) {
    registry.register(ORDERS_1, LONG_TTL);

    try (ServiceCache cache = registry.cache("orders")) {
      assertThat(cache).isCurrent().hasInstances(ORDERS_1);
      assertThat(cache.require()).isEqualTo(ORDERS_1);
    }
  }

  @Test
  public void aWatchSaysCurrentRightAfterTheInstancesPresentWhenItStarted(Registry registry, RegistryTime time) {
    registry.register(ORDERS_2, LONG_TTL);
    registry.register(ORDERS_1, LONG_TTL);
    List<String> heard = new CopyOnWriteArrayList<>();

    try (Subscription ignored = registry.watch("orders", new RegistryListener() {
      @Override
      public void onEvent(RegistryEvent event) {
        heard.add(event.getClass().getSimpleName() + " " + event.instance().instanceId());
      }

      @Override
      public void onStateChange(WatchState state) {
        heard.add(state.name());
      }
    })) {
      time.eventually(() -> assertThat(heard).contains("CURRENT"));
      registry.register(ORDERS_3, LONG_TTL);

      time.eventually(() -> assertThat(heard).containsExactly("Added i-2", "Added i-1", "CURRENT", "Added i-3"));
    }
  }

  // ------------------------------------------------------------------------------ changes

  @Test
  public void aRegistrationReachesTheListenerNamingTheInstance(Registry registry, RegistryTime time) {
    registry.register(ORDERS_1, LONG_TTL);
    try (ServiceCache cache = registry.cache("orders")) {
      Changes changes = Changes.of(cache);

      registry.register(ORDERS_2, LONG_TTL);

      time.eventually(() -> assertThat(changes.log()).containsExactly("added i-2"));
      assertThat(cache).hasInstances(ORDERS_1, ORDERS_2);
      assertThat(changes.last().instances()).containsExactly(ORDERS_1, ORDERS_2);
      assertThat(changes.last().stateChanged()).isFalse();
    }
  }

  @Test
  public void aCleanDeregistrationReachesTheListenerAsRemoved(Registry registry, RegistryTime time) {
    Registration first = registry.register(ORDERS_1, LONG_TTL);
    registry.register(ORDERS_2, LONG_TTL);
    try (ServiceCache cache = registry.cache("orders")) {
      Changes changes = Changes.of(cache);

      first.close();

      time.eventually(() -> assertThat(changes.log()).containsExactly("removed i-1"));
      assertThat(cache).hasInstances(ORDERS_2);
      assertThat(changes.last().removed()).containsExactly(ORDERS_1);
    }
  }

  @Test
  public void aLeaseExpiryReachesTheListenerAsRemoved(Registry registry, RegistryTime time) {
    Registration crashing = registry.register(ORDERS_1, SHORT_TTL);
    registry.register(ORDERS_2, LONG_TTL);
    try (ServiceCache cache = registry.cache("orders")) {
      Changes changes = Changes.of(cache);

      time.crash(crashing);
      time.awaitExpiry(crashing);

      time.eventually(() -> assertThat(changes.log()).containsExactly("removed i-1"));
      assertThat(cache).hasInstances(ORDERS_2);
      assertThat(cache.require()).isEqualTo(ORDERS_2);
    }
  }

  @Test
  public void aReRegistrationWithOtherDataReachesTheListenerAsUpdatedWithThePrevious(Registry registry,
      RegistryTime time) {
    registry.register(ORDERS_1, LONG_TTL);
    ServiceInstance moved = ORDERS_1.withAddress("http://10.0.0.9:5000");
    try (ServiceCache cache = registry.cache("orders")) {
      Changes changes = Changes.of(cache);

      registry.register(moved, LONG_TTL);

      time.eventually(() -> assertThat(changes.log()).containsExactly("updated i-1"));
      assertThat(changes.last().updated()).containsExactly(new CacheChange.Updated(moved, ORDERS_1));
      assertThat(cache).hasInstances(moved);
      assertThat(cache.require()).isEqualTo(moved);
    }
  }

  @Test
  public void aClosedListenerSubscriptionHearsNothingMore(Registry registry, RegistryTime time) {
    try (ServiceCache cache = registry.cache("orders")) {
      Changes closed = Changes.of(cache);
      Changes open = Changes.of(cache);
      closed.subscription.close();

      registry.register(ORDERS_1, LONG_TTL);

      time.eventually(() -> assertThat(open.log()).containsExactly("added i-1"));
      assertThat(closed.log()).isEmpty();
    }
  }

  // ------------------------------------------------------------------------------ picking

  @Test
  public void roundRobinSpreadsPicksEvenlyInIdOrder(Registry registry) {
    registry.register(ORDERS_2, LONG_TTL);
    registry.register(ORDERS_3, LONG_TTL);
    registry.register(ORDERS_1, LONG_TTL);

    try (ServiceCache cache = ServiceCache.builder(registry, "orders").withStrategy(PickStrategy.roundRobin()).build()) {
      List<String> first = List.of(cache.require().instanceId(), cache.require().instanceId(),
          cache.require().instanceId(), cache.require().instanceId());
      Map<String, Integer> counts = countPicks(cache, 300);

      assertThat(first).containsExactly("i-1", "i-2", "i-3", "i-1");
      assertThat(counts).containsOnlyKeys("i-1", "i-2", "i-3").containsValues(100, 100, 100);
    }
  }

  @Test
  public void stickyKeepsItsInstanceThenMovesWhenItGoes(Registry registry, RegistryTime time) {
    Map<String, Registration> registrations = new HashMap<>();
    for (ServiceInstance instance : List.of(ORDERS_1, ORDERS_2, ORDERS_3)) {
      registrations.put(instance.instanceId(), registry.register(instance, LONG_TTL));
    }
    try (ServiceCache cache = ServiceCache.builder(registry, "orders").withStrategy(PickStrategy.sticky()).build()) {
      String stuck = cache.require().instanceId();
      assertThat(countPicks(cache, 50)).containsOnlyKeys(stuck);

      registrations.get(stuck).close();
      time.eventually(() -> assertThat(cache.instances()).hasSize(2));

      String next = cache.require().instanceId();
      assertThat(next).isNotEqualTo(stuck);
      assertThat(countPicks(cache, 50)).containsOnlyKeys(next);
    }
  }

  @Test
  public void randomPicksEveryAvailableInstanceAndNoOther(Registry registry) {
    registry.register(ORDERS_1, LONG_TTL);
    registry.register(ORDERS_2, LONG_TTL);
    registry.register(ORDERS_3, LONG_TTL);
    registry.register(BILLING_1, LONG_TTL);

    try (ServiceCache cache = ServiceCache.builder(registry, "orders").withStrategy(PickStrategy.random()).build()) {
      cache.markDown(ORDERS_2);

      assertThat(countPicks(cache, 300)).containsOnlyKeys("i-1", "i-3");
    }
  }

  @Test
  public void aCustomStrategyChoosesAmongTheCandidates(Registry registry) {
    registry.register(ORDERS_1, LONG_TTL);
    registry.register(ORDERS_2, LONG_TTL);
    List<List<ServiceInstance>> offered = new CopyOnWriteArrayList<>();
    PickStrategy last = candidates -> {
      offered.add(candidates);
      return candidates.get(candidates.size() - 1);
    };

    try (ServiceCache cache = ServiceCache.builder(registry, "orders").withStrategy(last).build()) {
      assertThat(cache.require()).isEqualTo(ORDERS_2);
      cache.markDown(ORDERS_2);
      assertThat(cache.pick()).contains(ORDERS_1);
    }
    assertThat(offered).containsExactly(List.of(ORDERS_1, ORDERS_2), List.of(ORDERS_1));
  }

  @Test
  public void aFilterByMetadataKeepsOnlyTheInstancesThatPass(Registry registry, RegistryTime time) {
    ServiceInstance eu1 = ORDERS_1.withMetadata("region", "eu");
    ServiceInstance us2 = ORDERS_2.withMetadata("region", "us");
    ServiceInstance eu3 = ORDERS_3.withMetadata("region", "eu");
    registry.register(eu1, LONG_TTL);
    registry.register(us2, LONG_TTL);
    Predicate<ServiceInstance> inEu = instance -> "eu".equals(instance.metadata().get("region"));

    try (ServiceCache cache = ServiceCache.builder(registry, "orders").withFilter(inEu).build()) {
      Changes changes = Changes.of(cache);
      assertThat(cache).hasInstances(eu1);
      assertThat(countPicks(cache, 10)).containsOnlyKeys("i-1");

      registry.register(eu3, LONG_TTL);
      registry.register(us2.withMetadata("region", "eu"), LONG_TTL); // moves in
      registry.register(eu1.withMetadata("region", "us"), LONG_TTL); // moves out

      time.eventually(() -> assertThat(changes.log()).containsExactly("added i-3", "added i-2", "removed i-1"));
      assertThat(cache).hasInstances(us2.withMetadata("region", "eu"), eu3);
      assertThat(countPicks(cache, 10)).containsOnlyKeys("i-2", "i-3");
    }
  }

  // ------------------------------------------------------------------------------ down instances

  @Test
  public void aMarkedDownInstanceIsSkippedForTheDownPeriodThenPickedAgain(Registry registry) {
    registry.register(ORDERS_1, LONG_TTL);
    registry.register(ORDERS_2, LONG_TTL);
    // the down period is the cache's alone: on a clock of the test's own it is checked to the tick on
    // both backends, where on etcd's real time a loaded machine could stretch the second before the check
    FakeClock downClock = FakeClock.create();
    try (ServiceCache cache = ServiceCache.builder(registry, "orders")
        .withDownPeriod(Duration.ofSeconds(2)).withClock(downClock).build()) {

      cache.markDown(ORDERS_1);

      assertThat(countPicks(cache, 10)).containsOnlyKeys("i-2");
      assertThat(cache).as("instances() still lists it").hasInstances(ORDERS_1, ORDERS_2);
      downClock.advance(Duration.ofSeconds(2).minusNanos(1));
      assertThat(countPicks(cache, 10)).as("a tick before the down period ends").containsOnlyKeys("i-2");
      downClock.advance(Duration.ofNanos(1));
      assertThat(countPicks(cache, 10)).as("once the down period is over").containsOnlyKeys("i-1", "i-2");
    }
  }

  @Test
  public void markUpEndsTheDownPeriodAtOnce(Registry registry) {
    registry.register(ORDERS_1, LONG_TTL);
    try (ServiceCache cache = registry.cache("orders")) {
      cache.markDown(ORDERS_1);
      assertThat(cache.pick()).isEmpty();

      cache.markUp(ORDERS_1);

      assertThat(cache.pick()).contains(ORDERS_1);
    }
  }

  @Test
  public void anInstanceThatGoesAndComesBackIsNoLongerDown(Registry registry, RegistryTime time) {
    Registration first = registry.register(ORDERS_1, LONG_TTL);
    try (ServiceCache cache = registry.cache("orders")) {
      cache.markDown(ORDERS_1);
      first.close();
      time.eventually(() -> assertThat(cache).isEmpty());

      registry.register(ORDERS_1, LONG_TTL);

      time.eventually(() -> assertThat(cache.pick()).contains(ORDERS_1));
    }
  }

  // ------------------------------------------------------------------------------ no instance

  @Test
  public void anEmptyServiceGivesAnEmptyPickAndANamedException(Registry registry) {
    try (ServiceCache cache = registry.cache("orders")) {
      assertThat(cache.pick()).isEmpty();
      assertThatThrownBy(cache::require).isInstanceOf(NoInstanceAvailableException.class)
          .hasMessage("no instance of orders available: 0 registered, 0 down, 0 filtered out (cache CURRENT)");
    }
  }

  @Test
  public void theExceptionCountsTheInstancesDownAndFilteredOut(Registry registry) {
    registry.register(ORDERS_1, LONG_TTL);
    registry.register(ORDERS_2.withMetadata("canary", "true"), LONG_TTL);
    registry.register(ORDERS_3.withMetadata("canary", "true"), LONG_TTL);

    try (ServiceCache cache = ServiceCache.builder(registry, "orders")
        .withFilter(instance -> !instance.metadata().containsKey("canary")).build()) {
      cache.markDown(ORDERS_1);

      assertThat(cache.pick()).isEmpty();
      assertThatThrownBy(cache::require).isInstanceOf(NoInstanceAvailableException.class)
          .hasMessage("no instance of orders available: 3 registered, 1 down, 2 filtered out (cache CURRENT)");
    }
  }

  // ------------------------------------------------------------------------------ outage

  @Test
  public void anOutageKeepsTheLastInstancesAsStaleThenCatchesUpWhenHealed(Registry registry, BackendControls backend,
      RegistryTime time) {
    backend.putRaw("orders", "i-1", "{\"Id\":\"i-1\",\"Name\":\"orders\",\"Address\":\"http://10.0.0.1:5000\"}");
    backend.putRaw("orders", "i-2", "{\"Id\":\"i-2\",\"Name\":\"orders\",\"Address\":\"http://10.0.0.2:5000\"}");
    try (ServiceCache cache = registry.cache("orders")) {
      Changes changes = Changes.of(cache);

      backend.makeUnavailable();
      try {
        time.eventually(() -> assertThat(cache).isStale());
        backend.putRaw("orders", "i-3", "{\"Id\":\"i-3\",\"Name\":\"orders\",\"Address\":\"http://10.0.0.3:5000\"}");
        backend.deleteRaw("orders", "i-1");

        assertThat(cache).as("the last instances it knew").hasInstances(ORDERS_1, ORDERS_2);
        assertThat(countPicks(cache, 10)).containsOnlyKeys("i-1", "i-2");
        assertThat(changes.log()).containsExactly("CURRENT->STALE");
      } finally {
        backend.heal();
      }

      time.eventually(() -> assertThat(cache).isCurrent());
      assertThat(cache).hasInstances(ORDERS_2, ORDERS_3);
      assertThat(changes.log()).as("the differences before CURRENT")
          .containsExactly("CURRENT->STALE", "added i-3", "removed i-1", "STALE->CURRENT");
      assertThat(changes.last().instances()).containsExactly(ORDERS_2, ORDERS_3);
    }
  }

  // ------------------------------------------------------------------------------ close

  @Test
  public void closeStopsTheListenerCallsAndIsIdempotent(Registry registry, RegistryTime time) {
    registry.register(ORDERS_1, LONG_TTL);
    ServiceCache cache = registry.cache("orders");
    Changes changes = Changes.of(cache);
    RecordingListener watch = new RecordingListener();
    registry.watch("orders", watch);

    cache.close();
    cache.close();
    registry.register(ORDERS_2, LONG_TTL);

    time.eventually(() -> assertThat(watch).sawAdded(ORDERS_2));
    assertThat(changes.log()).isEmpty();
    assertThat(cache).hasState(CacheState.CLOSED).hasInstances(ORDERS_1);
    assertThatThrownBy(cache::pick).isInstanceOf(RegistryClosedException.class)
        .hasMessage("pick failed: the cache of orders was closed");
    assertThatThrownBy(cache::require).isInstanceOf(RegistryClosedException.class)
        .hasMessage("require failed: the cache of orders was closed");
  }

  // ------------------------------------------------------------------------------ bad input

  @Test
  public void rejectsBadArgumentsNamingTheValue(Registry registry) {
    assertThatThrownBy(() -> ServiceCache.builder(null, "orders"))
        .isInstanceOf(NullPointerException.class).hasMessage("registry must not be null");
    assertThatThrownBy(() -> ServiceCache.builder(registry, "orders/v2"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("serviceName must match [A-Za-z0-9._-]{1,128} but was: \"orders/v2\"");
    assertThatThrownBy(() -> registry.cache(null))
        .isInstanceOf(NullPointerException.class).hasMessage("serviceName must not be null");
    ServiceCache.Builder builder = ServiceCache.builder(registry, "orders");
    assertThatThrownBy(() -> builder.withStrategy(null))
        .isInstanceOf(NullPointerException.class).hasMessage("strategy must not be null");
    assertThatThrownBy(() -> builder.withFilter(null))
        .isInstanceOf(NullPointerException.class).hasMessage("filter must not be null");
    assertThatThrownBy(() -> builder.withClock(null))
        .isInstanceOf(NullPointerException.class).hasMessage("clock must not be null");
    assertThatThrownBy(() -> builder.withDownPeriod(null))
        .isInstanceOf(NullPointerException.class).hasMessage("downPeriod must not be null");
    assertThatThrownBy(() -> builder.withDownPeriod(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("downPeriod must be positive but was: PT0S");
    assertThatThrownBy(() -> builder.withStartTimeout(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("startTimeout must be positive but was: PT-1S");

    try (ServiceCache cache = builder.build()) {
      assertThatThrownBy(() -> cache.markDown(null))
          .isInstanceOf(NullPointerException.class).hasMessage("instance must not be null");
      assertThatThrownBy(() -> cache.markDown(BILLING_1))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("markDown needs an instance of orders but was one of billing: " + BILLING_1);
      assertThatThrownBy(() -> cache.markUp(BILLING_1))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("markUp needs an instance of orders but was one of billing: " + BILLING_1);
      assertThatThrownBy(() -> cache.addListener(null))
          .isInstanceOf(NullPointerException.class).hasMessage("listener must not be null");
    }
  }

  // ------------------------------------------------------------------------------ panic threshold

  @Test
  public void aBulkLossIsHeldAsPanicAndEachHeldInstanceGoesAfterTheDownPeriod(Registry registry,
      BackendControls backend, RegistryTime time) {
    putFour(backend);
    try (ServiceCache cache = ServiceCache.builder(registry, "orders").withDownPeriod(Duration.ofSeconds(2))
        .withClock(time.clock()).build()) {
      Changes changes = Changes.of(cache);

      for (int i = 1; i <= 4; i++) {
        backend.deleteRaw("orders", "i-" + i); // all gone at once, as after an etcd restart or a wipe
      }

      time.eventually(() -> assertThat(changes.log()).containsExactly("removed i-1", "removed i-2", "CURRENT->PANIC"));
      assertThat(cache).as("more than half gone: the rest is held").hasState(CacheState.PANIC)
          .hasInstances(ORDERS_3, ORDERS_4);
      assertThat(countPicks(cache, 10)).containsOnlyKeys("i-3", "i-4");
      time.elapse(Duration.ofMillis(2100));
      time.eventually(() -> assertThat(cache.instances()).isEmpty());
      assertThat(cache).isCurrent();
      assertThat(changes.log()).containsExactly("removed i-1", "removed i-2", "CURRENT->PANIC", "removed i-3",
          "removed i-4", "PANIC->CURRENT");
    }
  }

  @Test
  public void aHeldInstanceThatRegistersAgainStaysAndEndsThePanic(Registry registry, BackendControls backend,
      RegistryTime time) {
    putFour(backend);
    try (ServiceCache cache = ServiceCache.builder(registry, "orders").withClock(time.clock()).build()) {
      Changes changes = Changes.of(cache);
      for (int i = 1; i <= 4; i++) {
        backend.deleteRaw("orders", "i-" + i);
      }
      time.eventually(() -> assertThat(cache).hasState(CacheState.PANIC));

      registry.register(ORDERS_3, LONG_TTL);
      registry.register(ORDERS_4, LONG_TTL);

      time.eventually(() -> assertThat(cache).isCurrent());
      assertThat(cache).hasInstances(ORDERS_3, ORDERS_4);
      assertThat(changes.log()).containsExactly("removed i-1", "removed i-2", "CURRENT->PANIC", "PANIC->CURRENT");
    }
  }

  @Test
  public void aBulkLossFoundByTheResyncAfterAnOutageIsHeldToo(Registry registry, BackendControls backend,
      RegistryTime time) {
    putFour(backend);
    try (ServiceCache cache = ServiceCache.builder(registry, "orders").withDownPeriod(Duration.ofSeconds(2))
        .withClock(time.clock()).build()) {
      Changes changes = Changes.of(cache);
      backend.makeUnavailable();
      try {
        time.eventually(() -> assertThat(cache).isStale());
        for (int i = 1; i <= 4; i++) {
          backend.deleteRaw("orders", "i-" + i);
        }
      } finally {
        backend.heal();
      }

      time.eventually(() -> assertThat(cache).hasState(CacheState.PANIC));
      assertThat(cache.instances()).hasSize(2);
      assertThat(changes.log()).hasSize(4).startsWith("CURRENT->STALE").endsWith("STALE->PANIC");
      time.elapse(Duration.ofMillis(2100));
      time.eventually(() -> assertThat(cache.instances()).isEmpty());
      assertThat(cache).isCurrent();
    }
  }

  @Test
  public void aPanicThresholdOfOneBelievesEveryRemoval(Registry registry, BackendControls backend, RegistryTime time) {
    putFour(backend);
    try (ServiceCache cache = ServiceCache.builder(registry, "orders").withPanicThreshold(1).build()) {
      for (int i = 1; i <= 4; i++) {
        backend.deleteRaw("orders", "i-" + i);
      }
      time.eventually(() -> assertThat(cache.instances()).isEmpty());
      assertThat(cache).isCurrent();
    }
  }

  private static final ServiceInstance ORDERS_4 = ServiceInstance.of("orders", "i-4", "http://10.0.0.4:5000");

  /** Puts orders i-1 to i-4 as raw values (no lease: only a delete removes them). */
  private static void putFour(BackendControls backend) {
    for (int i = 1; i <= 4; i++) {
      backend.putRaw("orders", "i-" + i, "{\"Id\":\"i-" + i + "\",\"Name\":\"orders\",\"Address\":\"http://10.0.0." + i
          + ":5000\"}");
    }
  }

  // ------------------------------------------------------------------------------ helpers

  private static Map<String, Integer> countPicks(ServiceCache cache, int picks) {
    Map<String, Integer> counts = new HashMap<>();
    for (int i = 0; i < picks; i++) {
      counts.merge(cache.require().instanceId(), 1, Integer::sum);
    }
    return counts;
  }

  /** The changes a cache's listener heard, as short texts: {@code added i-2}, {@code CURRENT->STALE}. */
  private static final class Changes implements CacheListener {
    private final List<CacheChange> changes = new CopyOnWriteArrayList<>();
    private Subscription subscription;

    static Changes of(ServiceCache cache) {
      Changes changes = new Changes();
      changes.subscription = cache.addListener(changes);
      return changes;
    }

    @Override
    public void onChange(CacheChange change) {
      changes.add(change);
    }

    CacheChange last() {
      return changes.get(changes.size() - 1);
    }

    List<String> log() {
      List<String> log = new ArrayList<>();
      for (CacheChange change : changes) {
        change.added().forEach(instance -> log.add("added " + instance.instanceId()));
        change.removed().forEach(instance -> log.add("removed " + instance.instanceId()));
        change.updated().forEach(updated -> log.add("updated " + updated.instance().instanceId()));
        if (change.stateChanged()) {
          log.add(change.previousState() + "->" + change.state());
        }
      }
      return log;
    }
  }
}
