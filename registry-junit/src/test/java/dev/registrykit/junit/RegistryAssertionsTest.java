package dev.registrykit.junit;

import static dev.registrykit.junit.RegistryAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.registrykit.Registration;
import dev.registrykit.ServiceInstance;
import dev.registrykit.fake.FakeRegistry;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class RegistryAssertionsTest {

  private static final ServiceInstance ONE = ServiceInstance.of("orders", "i-1", "http://h:1");
  private static final ServiceInstance TWO = ServiceInstance.of("orders", "i-2", "http://h:2");

  private final FakeRegistry registry = FakeRegistry.create();

  @Test
  void hasInstanceNamesWhatWasFoundInstead() {
    registry.register(TWO, Duration.ofSeconds(30));

    assertThat(registry).hasInstance(TWO);
    assertThatThrownBy(() -> assertThat(registry).hasInstance(ONE))
        .isInstanceOf(AssertionError.class)
        .hasMessage("Expecting registry to have instance orders/i-1 but found in orders: [i-2]");
  }

  @Test
  void hasInstanceTellsWhenTheIdIsThereWithOtherData() {
    registry.register(ONE.withAddress("http://h:9"), Duration.ofSeconds(30));

    assertThatThrownBy(() -> assertThat(registry).hasInstance(ONE))
        .isInstanceOf(AssertionError.class)
        .hasMessage("Expecting registry to have instance orders/i-1 as " + ONE
            + " but it was registered as " + ONE.withAddress("http://h:9"));
  }

  @Test
  void doesNotHaveInstanceShowsTheRegisteredOne() {
    registry.register(ONE, Duration.ofSeconds(30));

    assertThat(registry).doesNotHaveInstance(TWO);
    assertThatThrownBy(() -> assertThat(registry).doesNotHaveInstance(ONE))
        .isInstanceOf(AssertionError.class)
        .hasMessage("Expecting registry not to have instance orders/i-1 but it was registered: " + ONE);
  }

  @Test
  void hasInstancesCountsAndLists() {
    registry.register(ONE, Duration.ofSeconds(30));

    assertThat(registry).hasInstances("orders", 1).hasInstances("billing", 0);
    assertThatThrownBy(() -> assertThat(registry).hasInstances("orders", 2))
        .isInstanceOf(AssertionError.class)
        .hasMessage("Expecting registry to have 2 instance(s) of orders but found 1: [i-1]");
  }

  @Test
  void registrationStates() {
    Registration registration = registry.register(ONE, Duration.ofSeconds(30));

    assertThat(registration).isActive();
    assertThatThrownBy(() -> assertThat(registration).isLost())
        .isInstanceOf(AssertionError.class)
        .hasMessage("Expecting registration of orders/i-1 to be LOST but was ACTIVE");
    registration.close();
    assertThat(registration).isClosed();
    assertThatThrownBy(() -> assertThat(registration).isActive())
        .hasMessage("Expecting registration of orders/i-1 to be ACTIVE but was CLOSED");
  }

  @Test
  void recordedEvents() {
    RecordingListener events = new RecordingListener();
    registry.watch("orders", events);
    Registration registration = registry.register(ONE, Duration.ofSeconds(30));
    registration.close();

    assertThat(events).sawAdded(ONE).sawRemoved(ONE).hasEventCount(2).hasIncreasingRevisions();
    assertThatThrownBy(() -> assertThat(events).sawAdded(TWO))
        .isInstanceOf(AssertionError.class)
        .hasMessage("Expecting events to contain Added of orders/i-2 but saw: [Added orders/i-1@2, Removed orders/i-1@3]");
    assertThatThrownBy(() -> assertThat(events).sawRemoved(TWO))
        .hasMessage("Expecting events to contain Removed of orders/i-2 but saw: [Added orders/i-1@2, Removed orders/i-1@3]");
    assertThatThrownBy(() -> assertThat(events).sawUpdated(ONE))
        .hasMessage("Expecting events to contain Updated of orders/i-1 but saw: [Added orders/i-1@2, Removed orders/i-1@3]");
    assertThatThrownBy(() -> assertThat(events).hasEventCount(3))
        .hasMessage("Expecting 3 event(s) but saw 2: [Added orders/i-1@2, Removed orders/i-1@3]");
  }

  @Test
  void increasingRevisionsCatchesARepeat() {
    RecordingListener events = new RecordingListener();
    events.onEvent(new dev.registrykit.RegistryEvent.Added(ONE, 5));
    events.onEvent(new dev.registrykit.RegistryEvent.Added(ONE, 5));

    assertThatThrownBy(() -> assertThat(events).hasIncreasingRevisions())
        .hasMessage("Expecting strictly increasing revisions but Added orders/i-1@5 came after Added orders/i-1@5"
            + " in: [Added orders/i-1@5, Added orders/i-1@5]");
  }

  @Test
  void electionAndCandidacy() {
    dev.registrykit.Election election = registry.election("migrations");
    assertThatThrownBy(() -> assertThat(election).hasLeader("a"))
        .hasMessage("Expecting election migrations to be led by a but nobody led it");
    dev.registrykit.Candidacy a = election.campaign("a", Duration.ofSeconds(10));
    dev.registrykit.Candidacy b = election.campaign("b", Duration.ofSeconds(10));

    assertThat(election).hasLeader("a");
    assertThat(a).isLeading();
    assertThat(b).isWaiting();
    assertThatThrownBy(() -> assertThat(election).hasLeader("b"))
        .hasMessage("Expecting election migrations to be led by b but it was led by a");
    assertThatThrownBy(() -> assertThat(election).hasNoLeader())
        .hasMessage("Expecting election migrations to have no leader but it was led by a");
    assertThatThrownBy(() -> assertThat(b).isLeading())
        .hasMessage("Expecting candidacy of b in migrations to be LEADING but was WAITING");
    assertThatThrownBy(() -> assertThat(election).isNotLedBy("a"))
        .hasMessage("Expecting election migrations not to be led by a but it was, with fencing token "
            + a.fencingToken().getAsLong());
    assertThat(election).isNotLedBy("b");
    a.close();
    assertThat(election).isNotLedBy("a").hasLeader("b");
    assertThat(a).isResigned();
    assertThatThrownBy(() -> assertThat(a).isLost())
        .hasMessage("Expecting candidacy of a in migrations to be LOST but was RESIGNED");
  }

  @Test
  void replayingTheEventsGivesTheFinalListing() {
    RecordingListener events = new RecordingListener();
    registry.register(TWO, Duration.ofSeconds(30));
    registry.watchAll(events);
    Registration one = registry.register(ONE, Duration.ofSeconds(30));
    registry.register(TWO.withAddress("http://h:22"), Duration.ofSeconds(30));
    one.close();

    assertThat(events).replaysTo(registry.allInstances());
    assertThatThrownBy(() -> assertThat(events).replaysTo(java.util.List.of(ONE)))
        .hasMessage("Expecting the events to replay to [orders/i-1] but they replay to [orders/i-2]; events: "
            + "[Added orders/i-2@2, Added orders/i-1@3, Updated orders/i-2@4, Removed orders/i-1@5]");
  }

  @Test
  void replayingCatchesARepeatedOrLateEvent() {
    RecordingListener repeated = new RecordingListener();
    repeated.onEvent(new dev.registrykit.RegistryEvent.Added(ONE, 3));
    repeated.onEvent(new dev.registrykit.RegistryEvent.Added(ONE, 3));
    assertThatThrownBy(() -> assertThat(repeated).replaysTo(java.util.List.of(ONE)))
        .hasMessage("Expecting no repeated event but Added orders/i-1@3 came twice in: [Added orders/i-1@3, Added orders/i-1@3]");

    RecordingListener late = new RecordingListener();
    late.onEvent(new dev.registrykit.RegistryEvent.Added(ONE, 5));
    late.onEvent(new dev.registrykit.RegistryEvent.Removed(ONE, 4));
    assertThatThrownBy(() -> assertThat(late).replaysTo(java.util.List.of()))
        .hasMessage("Expecting events in revision order but Removed orders/i-1@4 came after revision 5 in: "
            + "[Added orders/i-1@5, Removed orders/i-1@4]");
  }
}
