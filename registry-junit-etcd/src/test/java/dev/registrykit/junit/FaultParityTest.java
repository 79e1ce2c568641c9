package dev.registrykit.junit;

import static dev.registrykit.junit.RegistryAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.registrykit.Registration;
import dev.registrykit.Registry;
import dev.registrykit.RegistryEvent;
import dev.registrykit.RegistryUnavailableException;
import dev.registrykit.ServiceInstance;
import dev.registrykit.internal.InstanceCodec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.assertj.core.api.Assertions;

/**
 * Each fault of etcd, done to the fake and to a real etcd through the same {@link BackendControls}
 * call, with the same test body: the fake must fail the way etcd does. The etcd runs get an etcd of
 * this class's own, since stopping and wiping it would disturb other classes.
 */
@RegistryTest(etcd = @EtcdRegistryTest(lifecycle = EtcdLifecycle.PER_CLASS))
class FaultParityTest {

  private static final Duration TTL = Duration.ofSeconds(3);
  private static final ServiceInstance A = ServiceInstance.of("orders", "a", "http://10.0.0.1:5000");
  private static final ServiceInstance B = ServiceInstance.of("orders", "b", "http://10.0.0.2:5000");
  private static final ServiceInstance C = ServiceInstance.of("orders", "c", "http://10.0.0.3:5000");
  private static final ServiceInstance D = ServiceInstance.of("orders", "d", "http://10.0.0.4:5000");

  @RegistryTest
  void connectionLostAndRestored(Registry registry, BackendControls backend, RegistryTime time) {
    Registration registration = registry.register(A, TTL);
    List<String> states = states(registration);

    backend.makeUnavailable();
    time.elapse(Duration.ofMillis(1500));
    assertThat(registration).as("half a TTL into the outage").isActive();
    assertThatThrownBy(() -> registry.instances("orders")).isInstanceOf(RegistryUnavailableException.class);
    assertThatThrownBy(() -> registry.register(B, TTL)).isInstanceOf(RegistryUnavailableException.class);
    time.eventually(() -> assertThat(registration).isLost());

    backend.heal();
    time.eventually(() -> assertThat(registration).isActive());
    assertThat(registry).hasInstance(A);
    Assertions.assertThat(states).containsExactly("ACTIVE->LOST", "LOST->ACTIVE");
  }

  @RegistryTest
  void etcdDownLongerThanTheTtlAndBack(Registry registry, BackendControls backend, RegistryTime time) {
    Registration registration = registry.register(A, TTL);
    List<String> states = states(registration);

    backend.stop();
    assertThatThrownBy(() -> registry.instances("orders")).isInstanceOf(RegistryUnavailableException.class);
    time.eventually(() -> assertThat(registration).isLost());
    time.elapse(Duration.ofSeconds(1));
    backend.start();

    time.eventually(() -> assertThat(registration).isActive());
    time.eventually(() -> Assertions.assertThat(registry.instances("orders")).containsExactly(A));
    time.elapse(TTL.multipliedBy(2));
    Assertions.assertThat(registry.instances("orders")).as("one key, kept alive on its new lease").containsExactly(A);
    Assertions.assertThat(states).containsExactly("ACTIVE->LOST", "LOST->ACTIVE");
  }

  @RegistryTest
  void dataWiped(Registry registry, BackendControls backend, RegistryTime time) {
    Registration a = registry.register(A, TTL);
    Registration b = registry.register(B, TTL);
    RecordingListener events = new RecordingListener();
    registry.watch("orders", events);
    for (int i = 0; i < 5; i++) { // revisions well past those the fresh etcd will reach
      backend.putRaw("orders", "d", InstanceCodec.encode(D));
      backend.deleteRaw("orders", "d");
    }
    time.eventually(() -> assertThat(events).hasEventCount(12));

    backend.wipe();
    backend.putRaw("orders", "c", InstanceCodec.encode(C)); // on the fresh etcd, its revisions start again

    time.eventually(() -> {
      assertThat(a).isActive();
      assertThat(b).isActive();
      Assertions.assertThat(registry.instances("orders")).containsExactly(A, B, C);
      assertThat(events).sawAdded(C);
      // the watch hears the re-registrations a moment after the listing shows them: wait for that too
      Assertions.assertThat(replay(events.events())).containsExactly(A, B, C);
    });
    List<RegistryEvent> seen = events.events();
    int reset = firstRevisionDrop(seen);
    Assertions.assertThat(reset).as("the revision restarts after the wipe in %s", seen).isPositive();
    assertNonDecreasing(seen.subList(0, reset));
    assertNonDecreasing(seen.subList(reset, seen.size()));
    Assertions.assertThat(replay(seen)).as("replaying %s", seen).containsExactly(A, B, C);
  }

  @RegistryTest
  void compactionPastACutOffWatcher(Registry registry, BackendControls backend, RegistryTime time) {
    ServiceInstance b2 = B.withAddress("http://10.0.0.22:5000");
    backend.putRaw("orders", "a", InstanceCodec.encode(A));
    backend.putRaw("orders", "b", InstanceCodec.encode(B));
    RecordingListener events = new RecordingListener();
    registry.watch("orders", events);
    time.eventually(() -> assertThat(events).hasEventCount(2));
    events.clear();

    backend.makeUnavailable();
    backend.deleteRaw("orders", "a");
    backend.putRaw("orders", "b", InstanceCodec.encode(b2));
    backend.putRaw("orders", "d", InstanceCodec.encode(D));
    backend.putRaw("orders", "c", InstanceCodec.encode(C));
    backend.deleteRaw("orders", "d");
    backend.compact();
    backend.heal();

    // in revision order: the writes' own revisions, then what is gone at the listing's
    time.eventually(() -> Assertions.assertThat(describe(events.events()))
        .containsExactly("Updated b from http://10.0.0.2:5000 to http://10.0.0.22:5000", "Added c", "Removed a"));
    time.elapse(Duration.ofMillis(500));
    Assertions.assertThat(events.events()).as("nothing more, nothing for d").hasSize(3);
  }

  @RegistryTest
  void oneLeaseLost(Registry registry, BackendControls backend, RegistryTime time) {
    Registration a = registry.register(A, TTL);
    Registration b = registry.register(B, TTL);
    List<String> statesOfA = states(a);
    List<String> statesOfB = states(b);
    RecordingListener events = new RecordingListener();
    registry.watch("orders", events);
    time.eventually(() -> assertThat(events).hasEventCount(2));
    events.clear();

    backend.loseLease(a);

    time.eventually(() -> Assertions.assertThat(statesOfA).containsExactly("ACTIVE->LOST", "LOST->ACTIVE"));
    time.eventually(() -> Assertions.assertThat(describe(events.events())).containsExactly("Removed a", "Added a"));
    Assertions.assertThat(registry.instances("orders")).containsExactly(A, B);
    Assertions.assertThat(statesOfB).as("the other registration's lease is untouched").isEmpty();
  }

  @RegistryTest
  void aLeaderChangeRenewsEveryLease(Registry registry, BackendControls backend, RegistryTime time) {
    // The claim lives in a window of wall-clock time on etcd (the renewed TTL must outlast the restart,
    // the 2 s after it and the first calls of a connection coming back), so the window scales with the
    // load, in whole seconds as etcd's TTLs are; on the fake its clock makes the factor harmless.
    long factor = (long) Math.ceil(TimeScale.current());
    Duration ttl = TTL.multipliedBy(factor);
    Duration pause = Duration.ofSeconds(2).multipliedBy(factor);
    Registration registration = registry.register(A, ttl);
    time.crash(registration);

    backend.stop();
    time.elapse(pause);
    backend.start(); // a leader again: every lease lives its TTL plus an election timeout from now
    time.elapse(pause);

    time.eventually(() -> // the first calls may find the connection still coming back
        Assertions.assertThat(registry.instances("orders"))
            .as("%s after the crash, on a TTL of %s", pause.multipliedBy(2), ttl).containsExactly(A));
    time.awaitExpiry(registration);
    assertThat(registry).doesNotHaveInstance(A);
  }

  private static List<String> states(Registration registration) {
    List<String> states = new CopyOnWriteArrayList<>();
    registration.addListener((r, previous, current) -> states.add(previous + "->" + current));
    return states;
  }

  private static List<String> describe(List<RegistryEvent> events) {
    List<String> described = new ArrayList<>();
    for (RegistryEvent event : events) {
      String id = event.instance().instanceId();
      described.add(event instanceof RegistryEvent.Updated u
          ? "Updated " + id + " from " + u.previous().address() + " to " + u.instance().address()
          : event.getClass().getSimpleName() + " " + id);
    }
    return described;
  }

  private static int firstRevisionDrop(List<RegistryEvent> events) {
    for (int i = 1; i < events.size(); i++) {
      if (events.get(i).revision() < events.get(i - 1).revision()) {
        return i;
      }
    }
    return -1;
  }

  /** A resynchronising watch reports what it missed at the listing's revision, several at one. */
  private static void assertNonDecreasing(List<RegistryEvent> events) {
    for (int i = 1; i < events.size(); i++) {
      Assertions.assertThat(events.get(i).revision()).as("revision order in %s", events)
          .isGreaterThanOrEqualTo(events.get(i - 1).revision());
    }
  }

  private static List<ServiceInstance> replay(List<RegistryEvent> events) {
    java.util.TreeMap<String, ServiceInstance> replayed = new java.util.TreeMap<>();
    for (RegistryEvent event : events) {
      if (event instanceof RegistryEvent.Removed) {
        replayed.remove(event.instance().instanceId());
      } else {
        replayed.put(event.instance().instanceId(), event.instance());
      }
    }
    return List.copyOf(replayed.values());
  }
}
