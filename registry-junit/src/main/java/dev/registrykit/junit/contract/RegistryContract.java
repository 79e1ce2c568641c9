package dev.registrykit.junit.contract;

import static dev.registrykit.junit.RegistryAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.registrykit.Candidacy;
import dev.registrykit.Election;
import dev.registrykit.InvalidEntry;
import dev.registrykit.Leader;
import dev.registrykit.Registration;
import dev.registrykit.RegistrationState;
import dev.registrykit.Registry;
import dev.registrykit.RegistryClosedException;
import dev.registrykit.RegistryEvent;
import dev.registrykit.RegistryEvent.Added;
import dev.registrykit.RegistryEvent.Removed;
import dev.registrykit.RegistryEvent.Updated;
import dev.registrykit.RegistryUnavailableException;
import dev.registrykit.ServiceInstance;
import dev.registrykit.Subscription;
import dev.registrykit.junit.RecordingListener;
import dev.registrykit.junit.RegistryBackend;
import dev.registrykit.junit.RegistryTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link Registry} must have, as tests: extend this class and annotate the
 * subclass with the extension that supplies the registry, so the same tests run on each backend.
 *
 * <pre>{@code
 * @FakeRegistryTest(minimumTtlSeconds = 1)
 * class FakeRegistryContractTest extends RegistryContract { }
 *
 * @EtcdRegistryTest // a shared etcd will do: the outage test cuts only its registry's connection
 * class EtcdRegistryContractTest extends RegistryContract { }
 * }</pre>
 *
 * <p>Every test takes the {@link Registry}, and where it needs them the {@link RegistryTime} and
 * the {@link RegistryBackend}, as parameters. Events are checked with {@link
 * RegistryTime#eventually(org.junit.jupiter.api.function.Executable)}, which runs once on the fake (it calls listeners before
 * returning) and polls on etcd (it calls them on its own thread).
 *
 * <h2>Where the backends differ, on purpose</h2>
 * <ul>
 *   <li><b>Expiry timing.</b> Both remove an expired key at the first expiry check after its TTL
 *       ran out: the fake's checks come exactly every {@code expiryCheckInterval} (500 ms by
 *       default, as etcd's), etcd's about every 500 ms plus a round of consensus, so a crashed
 *       instance goes between TTL and TTL + {@link RegistryTime#expiryMargin()} (the fake: TTL +
 *       500 ms; etcd: 1.5 s, scaled). Tests wait with {@link RegistryTime#awaitExpiry(Registration)},
 *       which allows for that.</li>
 *   <li><b>Revision numbers.</b> Both number every write and never go back, but the fake counts
 *       the writes to its own store, while etcd's revision is the whole cluster's (a write
 *       anywhere in etcd, outside the registry's namespace too, moves it), so tests compare
 *       revisions, never their values.</li>
 *   <li><b>An outage</b> ({@link RegistryBackend#makeUnavailable()}). The fake fails at once; on
 *       etcd, where it cuts the registry's connection through a proxy while etcd runs on, a call
 *       fails after the call timeout.</li>
 *   <li><b>Minimum TTL.</b> Whatever the server's minimum is: the fake's is a setting (2 s by
 *       default, as etcd's default flags; 1 s to match the etcd the toolkit starts).</li>
 * </ul>
 *
 * <p>registrykit's own runs pin each difference with a {@code difference…} test beside the contract
 * ({@code FakeRegistryContractTest} and {@code EtcdRegistryContractTest} in {@code registry-it}).
 */
public abstract class RegistryContract {

  /** A TTL long enough that nothing expires during a test unless it is crashed. */
  protected static final Duration LONG_TTL = Duration.ofSeconds(30);
  /** A TTL short enough to test expiry on etcd in about a second. */
  protected static final Duration SHORT_TTL = Duration.ofSeconds(1);
  /** How much before its TTL from the call that granted it etcd may remove a key (README, expiry timing). */
  private static final Duration ETCD_EARLY_EXPIRY = Duration.ofMillis(100);
  /** {@link RegistryBackend#name()} of the fake, whose time stands still between calls. */
  private static final String FAKE = "fake";
  /** How long the threads of {@link #severalThreadsRegisterAtOnce} may take for 100 registrations. */
  private static final Duration THREADS_TIMEOUT = Duration.ofSeconds(30);

  private static final ServiceInstance ORDERS_1 = ServiceInstance.of("orders", "i-1", "http://10.0.0.1:5000");
  private static final ServiceInstance ORDERS_2 = ServiceInstance.of("orders", "i-2", "http://10.0.0.2:5000");
  private static final ServiceInstance ORDERS_3 = ServiceInstance.of("orders", "i-3", "http://10.0.0.3:5000");
  private static final ServiceInstance BILLING_1 = ServiceInstance.of("billing", "b-1", "http://10.0.1.1:7000");

  // ------------------------------------------------------------------------------ listing

  @Test
  public void aRegisteredInstanceIsListed(Registry registry) {
    registry.register(ORDERS_1, LONG_TTL);

    assertThat(registry.instances("orders")).containsExactly(ORDERS_1);
  }

  @Test
  public void instancesAreListedByInstanceId(Registry registry) {
    registry.register(ORDERS_3, LONG_TTL);
    registry.register(ORDERS_1, LONG_TTL);
    registry.register(ORDERS_2, LONG_TTL);

    assertThat(registry.instances("orders")).containsExactly(ORDERS_1, ORDERS_2, ORDERS_3);
  }

  @Test
  public void servicesAreListedSortedAndOnlyWhileTheyHaveInstances(Registry registry) {
    registry.register(ORDERS_1, LONG_TTL);
    Registration billing = registry.register(BILLING_1, LONG_TTL);
    assertThat(registry.services()).containsExactly("billing", "orders");

    billing.close();

    assertThat(registry.services()).containsExactly("orders");
  }

  @Test
  public void allInstancesAreListedByServiceThenId(Registry registry) {
    registry.register(ORDERS_2, LONG_TTL);
    registry.register(BILLING_1, LONG_TTL);
    registry.register(ORDERS_1, LONG_TTL);

    assertThat(registry.allInstances()).containsExactly(BILLING_1, ORDERS_1, ORDERS_2);
  }

  @Test
  public void allInstancesAreSortedByServiceNameWhereTheKeysSortOtherwise(Registry registry) {
    // '-' and '.' sort before '/': etcd's keys are orders-v2/x, orders.eu/a, orders/i-1, orders/i-2
    ServiceInstance dashed = ServiceInstance.of("orders-v2", "x", "http://10.0.0.9:5000");
    ServiceInstance dotted = ServiceInstance.of("orders.eu", "a", "http://10.0.0.8:5000");
    registry.register(ORDERS_2, LONG_TTL);
    registry.register(dotted, LONG_TTL);
    registry.register(ORDERS_1, LONG_TTL);
    registry.register(dashed, LONG_TTL);

    assertThat(registry.allInstances()).containsExactly(ORDERS_1, ORDERS_2, dashed, dotted);
    assertThat(registry.services()).containsExactly("orders", "orders-v2", "orders.eu");
    assertThat(registry.instances("orders")).containsExactly(ORDERS_1, ORDERS_2);
  }

  @Test
  public void anUnknownServiceHasNoInstances(Registry registry) {
    assertThat(registry.instances("nobody")).isEmpty();
    assertThat(registry.services()).isEmpty();
    assertThat(registry.allInstances()).isEmpty();
  }

  @Test
  public void aServiceNameIsNotAPrefixOfAnother(Registry registry) {
    ServiceInstance longer = ServiceInstance.of("orders-v2", "i-1", "http://10.0.0.9:5000");
    registry.register(longer, LONG_TTL);
    registry.register(ORDERS_1, LONG_TTL);

    assertThat(registry.instances("orders")).containsExactly(ORDERS_1);
    assertThat(registry.instances("orders-v2")).containsExactly(longer);
  }

  @Test
  public void metadataSurvivesTheRoundTrip(Registry registry) {
    ServiceInstance tagged = ORDERS_1.withMetadata("zone", "eu-west-1a").withMetadata("version", "2.4.1");
    registry.register(tagged, LONG_TTL);

    assertThat(registry.instances("orders")).containsExactly(tagged);
  }

  @Test
  public void manyInstancesOfManyServices(Registry registry) {
    List<ServiceInstance> expected = new ArrayList<>();
    for (int s = 0; s < 5; s++) {
      for (int i = 0; i < 20; i++) {
        ServiceInstance instance = ServiceInstance.of("svc-" + s, String.format("i-%02d", i), "http://10.1." + s + "." + i + ":80");
        registry.register(instance, LONG_TTL);
        expected.add(instance);
      }
    }

    assertThat(registry.allInstances()).containsExactlyElementsOf(expected);
    assertThat(registry.services()).hasSize(5);
    assertThat(registry.instances("svc-3")).hasSize(20);
  }

  @Test
  public void severalThreadsRegisterAtOnce(Registry registry) throws InterruptedException {
    List<Throwable> failures = new CopyOnWriteArrayList<>();
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      int worker = t;
      Thread thread = new Thread(() -> {
        try {
          for (int i = 0; i < 25; i++) {
            registry.register(ServiceInstance.of("concurrent", "w" + worker + "-" + i, "http://h:" + (1000 + i)), LONG_TTL);
          }
        } catch (Throwable e) {
          failures.add(e);
        }
      }, "contract-register-" + t);
      threads.add(thread);
      thread.start();
    }
    long deadline = System.nanoTime() + THREADS_TIMEOUT.toNanos();
    for (Thread thread : threads) {
      thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
    }
    List<String> stuck = threads.stream().filter(Thread::isAlive).map(Thread::getName).toList();
    threads.forEach(Thread::interrupt); // leave no thread behind if some are stuck

    assertThat(stuck).as("threads still registering %s after they started", THREADS_TIMEOUT).isEmpty();
    assertThat(failures).isEmpty();
    assertThat(registry.instances("concurrent")).hasSize(100);
  }

  // ------------------------------------------------------------------------------ leases

  @Test
  public void registeringWithoutATtlUsesThirtySeconds(Registry registry) {
    assertThat(registry.register(ORDERS_1).ttl()).isEqualTo(Duration.ofSeconds(30));
  }

  @Test
  public void theTtlGrantedIsTheOneAskedForAboveTheMinimum(Registry registry) {
    assertThat(registry.register(ORDERS_1, Duration.ofSeconds(7)).ttl()).isEqualTo(Duration.ofSeconds(7));
    assertThat(registry.register(ORDERS_2, Duration.ofSeconds(60)).ttl()).isEqualTo(Duration.ofSeconds(60));
  }

  @Test
  public void aCrashedInstanceExpiresAfterItsTtl(Registry registry, RegistryBackend backend, RegistryTime time) {
    long beforeRegister = System.nanoTime();
    Registration registration = registry.register(ORDERS_1, SHORT_TTL);

    time.crash(registration);
    elapseToJustBeforeTheTtl(backend, time, beforeRegister, SHORT_TTL);
    assertThat(registry).as("just before its TTL").hasInstance(ORDERS_1);
    requireLookedBeforeTheTtl(backend, beforeRegister, SHORT_TTL);
    time.awaitExpiry(registration);

    assertThat(registry).doesNotHaveInstance(ORDERS_1);
  }

  @Test
  public void aCrashedInstanceIsStillListedBeforeItsTtl(Registry registry, RegistryBackend backend, RegistryTime time) {
    Duration ttl = Duration.ofSeconds(5);
    long beforeRegister = System.nanoTime();
    Registration registration = registry.register(ORDERS_1, ttl);

    time.crash(registration);
    elapseToJustBeforeTheTtl(backend, time, beforeRegister, ttl);

    assertThat(registry).hasInstance(ORDERS_1);
    requireLookedBeforeTheTtl(backend, beforeRegister, ttl);
  }

  @Test
  public void aCrashedRegistrationTurnsLostWhenItsLeaseRunsOut(Registry registry, RegistryTime time) {
    Registration registration = registry.register(ORDERS_1, SHORT_TTL);
    List<String> states = recordStates(registration);

    time.crash(registration);
    time.awaitExpiry(registration);

    time.eventually(() -> assertThat(registration).isLost());
    assertThat(states).containsExactly("ACTIVE->LOST");
  }

  @Test
  public void keepAliveKeepsAnInstancePastThreeTtls(Registry registry, RegistryTime time) {
    Registration registration = registry.register(ORDERS_1, SHORT_TTL);

    time.elapse(SHORT_TTL.multipliedBy(3).plusMillis(500));

    assertThat(registry).hasInstance(ORDERS_1);
    assertThat(registration).isActive();
  }

  @Test
  public void expiryRemovesOnlyTheCrashedInstance(Registry registry, RegistryTime time) {
    Registration crashed = registry.register(ORDERS_1, SHORT_TTL);
    registry.register(ORDERS_2, SHORT_TTL);

    time.crash(crashed);
    time.awaitExpiry(crashed);

    assertThat(registry.instances("orders")).containsExactly(ORDERS_2);
  }

  // ------------------------------------------------------------------------------ deregistration

  @Test
  public void closingARegistrationRemovesItsInstanceAtOnce(Registry registry) {
    Registration registration = registry.register(ORDERS_1, LONG_TTL);

    registration.close();

    assertThat(registry).doesNotHaveInstance(ORDERS_1);
    assertThat(registration).isClosed();
  }

  @Test
  public void closingARegistrationTwiceIsHarmless(Registry registry) {
    Registration registration = registry.register(ORDERS_1, LONG_TTL);
    registry.register(ORDERS_2, LONG_TTL);

    registration.close();
    registration.close();

    assertThat(registry.instances("orders")).containsExactly(ORDERS_2);
  }

  @Test
  public void listenersHearTheCloseAndNothingAfterRemoval(Registry registry, RegistryTime time) {
    Registration registration = registry.register(ORDERS_1, LONG_TTL);
    List<String> states = recordStates(registration);
    List<String> removedListener = new CopyOnWriteArrayList<>();
    Subscription subscription = registration.addListener((r, from, to) -> removedListener.add(from + "->" + to));
    subscription.close();

    registration.close();

    time.eventually(() -> assertThat(states).containsExactly("ACTIVE->CLOSED"));
    time.elapse(quietWindow(time));
    assertThat(states).containsExactly("ACTIVE->CLOSED");
    assertThat(removedListener).isEmpty();
  }

  @Test
  public void closingTheRegistryDeregistersEverythingAndRefusesLaterCalls(Registry registry, RegistryBackend backend) {
    Registration one = registry.register(ORDERS_1, LONG_TTL);
    Registration two = registry.register(BILLING_1, LONG_TTL);
    assertThat(backend.getRaw("orders", "i-1")).as("the key of orders/i-1 before the close").isPresent();

    registry.close();

    // read by another program: the keys are gone from the store, not only from this registry's view
    assertThat(backend.getRaw("orders", "i-1")).as("the key of orders/i-1 after the close").isEmpty();
    assertThat(backend.getRaw("billing", "b-1")).as("the key of billing/b-1 after the close").isEmpty();
    assertThat(one.state()).isEqualTo(RegistrationState.CLOSED);
    assertThat(two.state()).isEqualTo(RegistrationState.CLOSED);
    assertThatThrownBy(() -> registry.instances("orders")).isInstanceOf(RegistryClosedException.class);
    assertThatThrownBy(() -> registry.register(ORDERS_2, LONG_TTL)).isInstanceOf(RegistryClosedException.class);
    registry.close();
  }

  @Test
  public void closingTheRegistryEndsItsWatchesBeforeDeregistering(Registry registry, RegistryBackend backend,
      RegistryTime time) {
    registry.register(ORDERS_1, LONG_TTL);
    registry.register(BILLING_1, LONG_TTL);
    RecordingListener all = new RecordingListener();
    registry.watchAll(all);
    RecordingListener orders = watch(registry, "orders");
    time.eventually(() -> assertThat(all).hasEventCount(2));
    time.eventually(() -> assertThat(orders).hasEventCount(1));

    registry.close();
    backend.putRaw("orders", "i-2", "{\"Id\":\"i-2\",\"Name\":\"orders\",\"Address\":\"http://10.0.0.2:5000\"}");
    time.elapse(quietWindow(time));

    assertThat(all.events()).as("what watchAll heard: nothing once close() began, neither the deregistrations "
        + "nor another program's write after it").containsExactly(
            new Added(ORDERS_1, all.events().get(0).revision()), new Added(BILLING_1, all.events().get(1).revision()));
    assertThat(orders.events()).as("what the watch of orders heard").containsExactly(
        new Added(ORDERS_1, orders.events().get(0).revision()));
  }

  // ------------------------------------------------------------------------------ re-registration

  @Test
  public void registeringAnIdAgainUpdatesIt(Registry registry, RegistryTime time) {
    registry.register(ORDERS_1, LONG_TTL);
    RecordingListener events = watch(registry, "orders");
    ServiceInstance moved = ORDERS_1.withAddress("http://10.0.0.9:5000");

    registry.register(moved, LONG_TTL);

    assertThat(registry.instances("orders")).containsExactly(moved);
    time.eventually(() -> assertThat(events).hasEventCount(2).sawAdded(ORDERS_1).sawUpdated(moved));
    Updated updated = (Updated) events.events().get(1);
    assertThat(updated.previous()).isEqualTo(ORDERS_1);
  }

  @Test
  public void registeringAnIdAgainRetiresTheOldRegistrationButKeepsTheKey(Registry registry, RegistryTime time) {
    Registration first = registry.register(ORDERS_1, SHORT_TTL);
    List<String> states = recordStates(first);
    ServiceInstance moved = ORDERS_1.withAddress("http://10.0.0.9:5000");
    Registration second = registry.register(moved, SHORT_TTL);

    assertThat(first).as("the old registration, right after the second register").isClosed();
    assertThat(second).isActive();
    time.eventually(() -> assertThat(states).containsExactly("ACTIVE->CLOSED"));
    first.close(); // harmless: the key is on the new lease now
    time.elapse(SHORT_TTL.multipliedBy(2).plusMillis(500));

    assertThat(first).isClosed();
    assertThat(second).isActive();
    assertThat(registry.instances("orders")).containsExactly(moved);
  }

  // ------------------------------------------------------------------------------ watches

  @Test
  public void aWatchFirstReportsWhatIsThereInRevisionOrder(Registry registry, RegistryTime time) {
    registry.register(ORDERS_2, LONG_TTL);
    registry.register(ORDERS_1, LONG_TTL);

    RecordingListener events = watch(registry, "orders");

    time.eventually(() -> assertThat(events).hasEventCount(2));
    assertThat(events.events()).containsExactly(
        new Added(ORDERS_2, events.events().get(0).revision()), new Added(ORDERS_1, events.events().get(1).revision()));
    assertThat(events).hasIncreasingRevisions();
  }

  @Test
  public void aWatchReportsAdditionsAndRemovals(Registry registry, RegistryTime time) {
    RecordingListener events = watch(registry, "orders");

    Registration registration = registry.register(ORDERS_1, LONG_TTL);
    registration.close();

    time.eventually(() -> assertThat(events).hasEventCount(2));
    assertThat(events.events()).containsExactly(
        new Added(ORDERS_1, events.events().get(0).revision()), new Removed(ORDERS_1, events.events().get(1).revision()));
    assertThat(events).hasIncreasingRevisions();
  }

  @Test
  public void aWatchReportsAnExpiryAsRemoved(Registry registry, RegistryTime time) {
    Registration registration = registry.register(ORDERS_1, SHORT_TTL);
    RecordingListener events = watch(registry, "orders");

    time.crash(registration);
    time.awaitExpiry(registration);

    time.eventually(() -> assertThat(events).hasEventCount(2).sawAdded(ORDERS_1).sawRemoved(ORDERS_1));
  }

  @Test
  public void aWatchStartedLateMissesNothingAndRepeatsNothing(Registry registry, RegistryTime time) {
    Registration one = registry.register(ORDERS_1, LONG_TTL);
    registry.register(ORDERS_2, LONG_TTL);

    RecordingListener events = watch(registry, "orders");
    one.close();
    registry.register(ORDERS_3, LONG_TTL);

    time.eventually(() -> assertThat(events).hasEventCount(4));
    assertThat(events.events()).extracting(e -> e.getClass().getSimpleName() + " " + e.instance().instanceId())
        .containsExactly("Added i-1", "Added i-2", "Removed i-1", "Added i-3");
    assertThat(events).hasIncreasingRevisions().replaysTo(registry.instances("orders"));
  }

  @Test
  public void aClosedWatchReportsNothingMore(Registry registry, RegistryTime time) {
    RecordingListener events = new RecordingListener();
    Subscription subscription = registry.watch("orders", events);
    registry.register(ORDERS_1, LONG_TTL);
    time.eventually(() -> assertThat(events).hasEventCount(1));

    subscription.close();
    registry.register(ORDERS_2, LONG_TTL);
    time.elapse(quietWindow(time));

    assertThat(events).hasEventCount(1);
  }

  @Test
  public void aWatchOfOneServiceIgnoresTheOthers(Registry registry, RegistryTime time) {
    RecordingListener events = watch(registry, "orders");

    registry.register(BILLING_1, LONG_TTL);
    registry.register(ServiceInstance.of("orders-v2", "x", "http://h:1"), LONG_TTL);
    registry.register(ORDERS_1, LONG_TTL);

    time.eventually(() -> assertThat(events).sawAdded(ORDERS_1));
    time.elapse(quietWindow(time));
    assertThat(events).hasEventCount(1);
  }

  @Test
  public void watchAllSeesEveryService(Registry registry, RegistryTime time) {
    registry.register(BILLING_1, LONG_TTL);
    RecordingListener events = new RecordingListener();
    registry.watchAll(events);

    registry.register(ORDERS_1, LONG_TTL);

    time.eventually(() -> assertThat(events).hasEventCount(2).sawAdded(BILLING_1).sawAdded(ORDERS_1));
  }

  @Test
  public void revisionsIncreaseFromChangeToChange(Registry registry, RegistryTime time) {
    RecordingListener events = watch(registry, "orders");
    Registration one = registry.register(ORDERS_1, LONG_TTL);
    registry.register(ORDERS_2, LONG_TTL);
    registry.register(ORDERS_1.withAddress("http://h:9"), LONG_TTL);
    one.close();

    time.eventually(() -> assertThat(events).hasEventCount(3));
    assertThat(events).hasIncreasingRevisions();
    assertThat(events.events()).allSatisfy(e -> assertThat(e.revision()).isPositive());
  }

  // ------------------------------------------------------------------------------ other programs' values

  @Test
  public void listsTheOriginsJsonWrittenByAnotherProgram(Registry registry, RegistryBackend backend) {
    String guid = "3f2b9a2e-6d1c-4a0e-9a77-2b7f5f0f1c11";
    backend.putRaw("OrderShippingService", guid,
        "{\"Id\":\"" + guid + "\",\"Name\":\"OrderShippingService\",\"Address\":\"http://localhost:5000\"}");

    assertThat(registry.instances("OrderShippingService"))
        .containsExactly(ServiceInstance.of("OrderShippingService", guid, "http://localhost:5000"));
  }

  @Test
  public void acceptsAnyLetterCaseAndUnknownProperties(Registry registry, RegistryBackend backend) {
    backend.putRaw("orders", "i-1", "{\"id\":\"i-1\",\"NAME\":\"orders\",\"Address\":\"http://10.0.0.1:5000\",\"Weight\":3}");

    assertThat(registry.instances("orders")).containsExactly(ORDERS_1);
  }

  @Test
  public void skipsCorruptValuesWithoutHidingValidOnes(Registry registry, RegistryBackend backend) {
    registry.register(ORDERS_2, LONG_TTL);
    backend.putRaw("orders", "broken", "{not json");
    backend.putRaw("orders", "partial", "{\"Id\":\"partial\",\"Name\":\"orders\"}");
    backend.putRaw("orders", "wrong-id", "{\"Id\":\"other\",\"Name\":\"orders\",\"Address\":\"http://h:1\"}");

    assertThat(registry.instances("orders")).containsExactly(ORDERS_2);
    assertThat(registry.allInstances()).containsExactly(ORDERS_2);
  }

  @Test
  public void anotherProgramDeletingAKeyIsSeenAsRemoved(Registry registry, RegistryBackend backend, RegistryTime time) {
    backend.putRaw("orders", "i-1", "{\"Id\":\"i-1\",\"Name\":\"orders\",\"Address\":\"http://10.0.0.1:5000\"}");
    RecordingListener events = watch(registry, "orders");

    backend.deleteRaw("orders", "i-1");

    time.eventually(() -> assertThat(events).hasEventCount(2).sawAdded(ORDERS_1).sawRemoved(ORDERS_1));
    assertThat(registry.instances("orders")).isEmpty();
  }

  // ------------------------------------------------------------------------------ faults

  @Test
  public void anUnavailableRegistryFailsCallsAndRecoversWhenHealed(Registry registry, RegistryBackend backend,
      RegistryTime time) {
    Registration registration = registry.register(ORDERS_1, SHORT_TTL);

    backend.makeUnavailable();
    try {
      assertThatThrownBy(() -> registry.instances("orders")).isInstanceOf(RegistryUnavailableException.class);
      time.elapse(SHORT_TTL.multipliedBy(2));
      time.eventually(() -> assertThat(registration).isLost());
    } finally {
      backend.heal();
    }
    time.elapse(SHORT_TTL);

    time.eventually(() -> assertThat(registration).isActive());
    time.eventually(() -> assertThat(registry.instances("orders")).containsExactly(ORDERS_1));
  }

  // ------------------------------------------------------------------------------ bad input

  @Test
  public void rejectsBadInputAtTheCallSite(Registry registry) {
    assertThatThrownBy(() -> registry.register(ORDERS_1, Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("ttl must be positive but was: PT0S");
    assertThatThrownBy(() -> registry.register(ORDERS_1, Duration.ofMillis(1500)))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("ttl must be a whole number of seconds but was: PT1.5S");
    assertThatThrownBy(() -> registry.register(ORDERS_1, null))
        .isInstanceOf(NullPointerException.class).hasMessage("ttl must not be null");
    assertThatThrownBy(() -> registry.register(null, LONG_TTL))
        .isInstanceOf(NullPointerException.class).hasMessage("instance must not be null");
    assertThatThrownBy(() -> registry.instances("orders/v2"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("serviceName must match [A-Za-z0-9._-]{1,128} but was: \"orders/v2\"");
    assertThatThrownBy(() -> registry.watch("orders", null))
        .isInstanceOf(NullPointerException.class).hasMessage("listener must not be null");
    assertThatThrownBy(() -> registry.watchAll(null))
        .isInstanceOf(NullPointerException.class).hasMessage("listener must not be null");
    assertThat(registry.allInstances()).as("nothing half-written").isEmpty();
  }

  // ------------------------------------------------------------------------------ leader election

  @Test
  public void oneLeaderAmongSeveralCandidatesTheEarliest(Registry registry, RegistryTime time) {
    Election election = registry.election("migrations");
    Candidacy a = election.campaign("a", LONG_TTL);
    Candidacy b = election.campaign("b", LONG_TTL);
    Candidacy c = election.campaign("c", LONG_TTL);

    time.eventually(() -> assertThat(a).isLeading());
    assertThat(b).isWaiting();
    assertThat(c).isWaiting();
    assertThat(election).hasLeader("a");
    assertThat(election.leader().orElseThrow().fencingToken()).isEqualTo(a.fencingToken().getAsLong());
  }

  @Test
  public void resigningHandsLeadershipOverInCampaignOrder(Registry registry, RegistryTime time) {
    Election election = registry.election("migrations");
    Candidacy a = election.campaign("a", LONG_TTL);
    Candidacy b = election.campaign("b", LONG_TTL);
    Candidacy c = election.campaign("c", LONG_TTL);
    time.eventually(() -> assertThat(a).isLeading());

    a.close();
    time.eventually(() -> assertThat(b).isLeading());
    assertThat(c).isWaiting();
    b.close();
    time.eventually(() -> assertThat(c).isLeading());

    assertThat(a).isResigned();
    assertThat(election).hasLeader("c");
    c.close();
    time.eventually(() -> assertThat(election).hasNoLeader());
  }

  @Test
  public void aCrashedLeaderIsReplacedAfterItsTtl(Registry registry, RegistryBackend backend, RegistryTime time) {
    Duration ttl = SHORT_TTL.multipliedBy(2);
    Election election = registry.election("pollers");
    long beforeCampaign = System.nanoTime();
    Candidacy a = election.campaign("a", ttl); // its lease, granted within this call, lasts at least its TTL from here
    Candidacy b = election.campaign("b", ttl);
    time.eventually(() -> assertThat(a).isLeading());

    time.crash(a);
    // so b may not lead before a's TTL is over
    elapseToJustBeforeTheTtl(backend, time, beforeCampaign, ttl);
    assertThat(b).isWaiting();
    requireLookedBeforeTheTtl(backend, beforeCampaign, ttl);

    time.eventually(() -> assertThat(b).isLeading());
    time.eventually(() -> assertThat(a).isLost());
    assertThat(election).hasLeader("b");
  }

  @Test
  public void aLeaderCutOffFromTheRegistryLearnsItLost(Registry registry, RegistryBackend backend, RegistryTime time) {
    Election election = registry.election("pollers");
    Candidacy a = election.campaign("a", SHORT_TTL);
    time.eventually(() -> assertThat(a).isLeading());
    long token = a.fencingToken().getAsLong();
    Candidacy b = backend.campaignFromAnotherClient("pollers", "b", SHORT_TTL);
    time.eventually(() -> assertThat(b).isWaiting());
    List<String> events = new CopyOnWriteArrayList<>();
    a.addListener((candidacy, from, to) -> events.add("a " + from + "->" + to));
    b.addListener((candidacy, from, to) -> events.add("b " + from + "->" + to + " while a is " + a.state()));

    backend.makeUnavailable();
    try {
      // a's last renewal was before the cut: a TTL after the cut its lease may be gone on the
      // server, and by then a must already know it lost (at once: not eventually)
      time.elapse(SHORT_TTL);
      assertThat(a).isLost();
      assertThat(a.fencingToken()).isEmpty();
      time.eventually(() -> assertThat(b).isLeading());
    } finally {
      backend.heal();
    }

    time.eventually(() -> assertThat(events).containsExactly("a LEADING->LOST", "b WAITING->LEADING while a is LOST"));
    assertThat(b.fencingToken().getAsLong()).isGreaterThan(token);
  }

  @Test
  public void fencingTokensStrictlyIncreaseFromLeaderToLeader(Registry registry, RegistryTime time) {
    Election election = registry.election("migrations");
    List<Long> tokens = new ArrayList<>();
    Candidacy resigns = election.campaign("c0", LONG_TTL);
    Candidacy crashes = election.campaign("c1", SHORT_TTL);
    time.eventually(() -> assertThat(resigns).isLeading());
    tokens.add(resigns.fencingToken().getAsLong());

    resigns.close(); // hand-over by resigning
    time.eventually(() -> assertThat(crashes).isLeading());
    tokens.add(crashes.fencingToken().getAsLong());
    Candidacy later = election.campaign("c2", LONG_TTL);
    time.crash(crashes); // hand-over when the lease runs out
    time.elapse(SHORT_TTL.plus(time.expiryMargin()));
    time.eventually(() -> assertThat(later).isLeading());
    tokens.add(later.fencingToken().getAsLong());
    Candidacy last = election.campaign("c3", LONG_TTL);
    later.close();
    time.eventually(() -> assertThat(last).isLeading());
    tokens.add(last.fencingToken().getAsLong());

    assertThat(tokens).isSorted().doesNotHaveDuplicates().hasSize(4);
    assertThat(election.leader().orElseThrow().fencingToken()).isEqualTo(tokens.get(3));
  }

  @Test
  public void awaitLeadershipRejectsANegativeTimeout(Registry registry) {
    Candidacy a = registry.election("migrations").campaign("a", LONG_TTL);

    assertThatThrownBy(() -> a.awaitLeadership(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("timeout must not be negative but was: PT-1S");
    assertThatThrownBy(() -> a.awaitLeadership(null))
        .isInstanceOf(NullPointerException.class).hasMessage("timeout must not be null");
    assertThat(a.awaitLeadership(Duration.ZERO)).isTrue();
  }

  @Test
  public void observersHearTheLeaderThenEveryChange(Registry registry, RegistryTime time) {
    Election election = registry.election("migrations");
    Candidacy a = election.campaign("a", LONG_TTL);
    List<String> seen = new CopyOnWriteArrayList<>();
    election.observe(leader -> seen.add(leader.map(Leader::candidateId).orElse("-")));
    time.eventually(() -> assertThat(seen).containsExactly("a"));
    Candidacy b = election.campaign("b", LONG_TTL);

    a.close();
    time.eventually(() -> assertThat(seen).containsExactly("a", "b"));
    b.close();

    time.eventually(() -> assertThat(seen).containsExactly("a", "b", "-"));
  }

  @Test
  public void electionsAreSeparateAndStayOutOfTheInstances(Registry registry, RegistryTime time) {
    Candidacy migrations = registry.election("migrations").campaign("a", LONG_TTL);
    Candidacy pollers = registry.election("pollers").campaign("b", LONG_TTL);

    time.eventually(() -> assertThat(migrations).isLeading());
    time.eventually(() -> assertThat(pollers).isLeading());
    assertThat(registry.allInstances()).isEmpty();
    assertThat(registry.services()).isEmpty();
    assertThatThrownBy(() -> registry.election("a/b")).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("name must match [A-Za-z0-9._-]{1,128} but was: \"a/b\"");
  }

  // ------------------------------------------------------------------------------ helpers

  /**
   * How long a test waits to see that nothing more comes (no event, no state change): a fifth of
   * {@link RegistryTime#expiryMargin()}. On etcd that is 300 ms times {@code registrykit.time.scale},
   * three times the slowest watch delivery measured on a loaded machine (p99 100 ms, BENCHMARKS.md
   * figure 4); on the fake, whose listeners run before the call returns, 100 ms of its clock.
   */
  private static Duration quietWindow(RegistryTime time) {
    return time.expiryMargin().dividedBy(5);
  }

  /**
   * Lets time pass until just before a lease granted after {@code startNanos} (a {@link System#nanoTime()}
   * taken before the call that granted it) may run out. On the fake, whose clock has not moved since
   * then: the TTL minus one tick (1 ns) exactly. On etcd, which never removes a key before TTL - 100 ms
   * from the call ({@link #ETCD_EARLY_EXPIRY}, the clocks of the JVM and of etcd): until that point
   * less a third of the scaled {@link RegistryTime#expiryMargin()} (500 ms at scale 1), left for the
   * wait to end and the check to reach etcd; {@link #requireLookedBeforeTheTtl} then tells whether it did.
   */
  private static void elapseToJustBeforeTheTtl(RegistryBackend backend, RegistryTime time, long startNanos,
      Duration ttl) {
    if (FAKE.equals(backend.name())) {
      time.elapse(ttl.minusNanos(1));
      return;
    }
    Duration lookAt = ttl.minus(ETCD_EARLY_EXPIRY).minus(time.expiryMargin().dividedBy(3));
    Duration left = lookAt.minusNanos(System.nanoTime() - startNanos);
    if (!left.isNegative() && !left.isZero()) {
      time.elapse(left);
    }
  }

  /**
   * On etcd, fails unless the check just made ended before TTL - 100 ms from {@code startNanos}: a
   * check made later could not tell an early expiry from a timely one, and must not pass for one.
   */
  private static void requireLookedBeforeTheTtl(RegistryBackend backend, long startNanos, Duration ttl) {
    if (FAKE.equals(backend.name())) {
      return; // its clock stood still at TTL minus one tick during the check
    }
    long lookedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
    assertThat(lookedMillis).as("ms from before the lease was granted until the check ended: too late to tell "
        + "an expiry before the TTL (%s) from one after it; on a machine this slow raise registrykit.time.scale",
        ttl).isLessThan(ttl.minus(ETCD_EARLY_EXPIRY).toMillis());
  }

  private static RecordingListener watch(Registry registry, String service) {
    RecordingListener events = new RecordingListener();
    registry.watch(service, events);
    return events;
  }

  private static List<String> recordStates(Registration registration) {
    List<String> states = Collections.synchronizedList(new ArrayList<>());
    registration.addListener((r, from, to) -> states.add(from + "->" + to));
    return states;
  }

  /** How many contract tests there are, for subclasses that check they all ran. */
  public static long testCount() {
    return Arrays.stream(RegistryContract.class.getDeclaredMethods())
        .filter(method -> method.isAnnotationPresent(Test.class)).count();
  }

  // ------------------------------------------------------------------------------ limits, closed elections, invalid entries

  @Test
  public void rejectsATtlAboveEtcdsMaximumAtTheCallSite(Registry registry) {
    Election election = registry.election("migrations");
    for (Duration tooLong : List.of(Duration.ofSeconds(9_000_000_001L), Duration.ofDays(300 * 365L),
        Duration.ofSeconds(Long.MAX_VALUE))) {
      String message = "ttl must be at most PT2500000H (9000000000 s, etcd's maximum lease TTL) but was: " + tooLong;
      assertThatThrownBy(() -> registry.register(ORDERS_1, tooLong))
          .isInstanceOf(IllegalArgumentException.class).hasMessage(message);
      assertThatThrownBy(() -> election.campaign("a", tooLong))
          .isInstanceOf(IllegalArgumentException.class).hasMessage(message);
    }
    assertThat(registry.allInstances()).as("nothing half-written").isEmpty();
    assertThat(election.leader()).as("no candidate half-made").isEmpty();
  }

  @Test
  public void theLongestTtlEtcdGrantsIsGranted(Registry registry, RegistryTime time) {
    Duration longest = Duration.ofSeconds(9_000_000_000L);

    Registration registration = registry.register(ORDERS_1, longest);
    Candidacy candidacy = registry.election("migrations").campaign("a", longest);

    assertThat(registration.ttl()).isEqualTo(longest);
    assertThat(registration).isActive();
    assertThat(registry.instances("orders")).containsExactly(ORDERS_1);
    assertThat(candidacy.ttl()).isEqualTo(longest);
    time.eventually(() -> assertThat(candidacy).isLeading());
    registration.close();
    candidacy.close();
    assertThat(registry.instances("orders")).isEmpty();
  }

  @Test
  public void anElectionObtainedBeforeTheRegistryClosedRefusesLaterCalls(Registry registry) {
    Election election = registry.election("migrations");

    registry.close();

    String refused = " refused: this " + registry.getClass().getSimpleName() + " is closed";
    assertThatThrownBy(() -> election.campaign("a", LONG_TTL))
        .isInstanceOf(RegistryClosedException.class).hasMessage("campaign" + refused);
    assertThatThrownBy(election::leader)
        .isInstanceOf(RegistryClosedException.class).hasMessage("leader" + refused);
    assertThatThrownBy(() -> election.observe(leader -> { }))
        .isInstanceOf(RegistryClosedException.class).hasMessage("observe" + refused);
  }

  @Test
  public void anInvalidValueIsReportedOncePerKeyAndRevision(Registry registry, RegistryBackend backend,
      RegistryTime time) {
    String broken = backend.namespace() + "/orders/broken";
    String partial = backend.namespace() + "/orders/partial";
    backend.putRaw("orders", "broken", "{not json");
    backend.putRaw("orders", "partial", "{\"Id\":\"partial\",\"Name\":\"orders\"}");

    registry.instances("orders");
    registry.allInstances();
    registry.services();
    RecordingListener events = watch(registry, "orders");
    registry.instances("orders");
    assertThat(backend.invalidEntries()).extracting(InvalidEntry::key).containsExactlyInAnyOrder(broken, partial);

    backend.putRaw("orders", "broken", "{not json"); // the same bad value again, at a later revision
    time.eventually(() -> assertThat(backend.invalidEntries()).extracting(InvalidEntry::key)
        .containsExactlyInAnyOrder(broken, partial, broken));
    registry.instances("orders");
    registry.allInstances();

    backend.putRaw("orders", "partial", "{\"Id\":\"partial\",\"Name\":\"orders\",\"Address\":\"http://h:1\"}");
    registry.instances("orders");
    backend.putRaw("orders", "partial", "{\"Id\":\"partial\"}"); // fixed, then broken again
    time.eventually(() -> assertThat(events.events()).hasSize(2));
    registry.instances("orders");
    time.eventually(() -> assertThat(backend.invalidEntries()).extracting(InvalidEntry::key)
        .containsExactlyInAnyOrder(broken, partial, broken, partial));
    registry.allInstances();
    assertThat(backend.invalidEntries()).hasSize(4);
  }

  @Test
  public void readsAByteOrderMarkAndAnInternationalHostAsTheDotNetSideWritesThem(Registry registry,
      RegistryBackend backend) {
    backend.putRaw("orders", "i-1", "\uFEFF{\"Id\":\"i-1\",\"Name\":\"orders\",\"Address\":\"http://10.0.0.1:5000\"}");
    backend.putRaw("orders", "i-2", "{\"Id\":\"i-2\",\"Name\":\"orders\",\"Address\":\"http://h\\u00E9te:5000/\"}");

    assertThat(registry.instances("orders"))
        .containsExactly(ORDERS_1, ServiceInstance.of("orders", "i-2", "http://h\u00E9te:5000/"));
    assertThat(backend.invalidEntries()).isEmpty();
  }
}
