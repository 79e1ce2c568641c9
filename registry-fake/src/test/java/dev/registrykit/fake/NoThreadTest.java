package dev.registrykit.fake;

import static org.assertj.core.api.Assertions.assertThat;

import dev.registrykit.Candidacy;
import dev.registrykit.Election;
import dev.registrykit.Registration;
import dev.registrykit.RegistrationState;
import dev.registrykit.ServiceInstance;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The fake promises no background thread: everything runs on the test's thread inside advance. */
class NoThreadTest {

  @Test
  void aFullScenarioStartsNoThread() {
    scenario(); // once, so that whatever the JDK starts lazily (logging, cleaners) is already there
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    Set<Thread> before = new HashSet<>(Thread.getAllStackTraces().keySet());
    Set<String> namesBefore = names(before);
    long startedBefore = threads.getTotalStartedThreadCount();

    Set<String> callbackThreads = scenario();

    long started = threads.getTotalStartedThreadCount() - startedBefore;
    Set<Thread> after = new HashSet<>(Thread.getAllStackTraces().keySet());
    Set<Thread> added = new HashSet<>(after);
    added.removeAll(before);
    assertThat(names(added)).as("threads alive after the scenario that were not before").isEmpty();
    assertThat(names(after)).as("thread names before vs after").isEqualTo(namesBefore);
    assertThat(started).as("threads started (even short-lived ones) during the scenario").isZero();
    assertThat(callbackThreads).as("every callback ran on the test's thread")
        .containsExactly(Thread.currentThread().getName());
  }

  /** Registers, watches, elects, crashes, fails and heals, advances: everything the fake can do. */
  private static Set<String> scenario() {
    Set<String> callbackThreads = new HashSet<>();
    List<String> log = new CopyOnWriteArrayList<>();
    FakeClock clock = FakeClock.create();
    FakeRegistry registry = FakeRegistry.builder().withClock(clock).build();
    FakeRegistry other = FakeRegistry.builder().withClock(clock).build();
    registry.watchAll(e -> {
      callbackThreads.add(Thread.currentThread().getName());
      log.add(e.getClass().getSimpleName());
    });
    other.watch("orders", e -> callbackThreads.add(Thread.currentThread().getName()));
    Registration one = registry.register(ServiceInstance.of("orders", "i-1", "http://h:1"), Duration.ofSeconds(30));
    Registration two = registry.register(ServiceInstance.of("orders", "i-2", "http://h:2"), Duration.ofSeconds(30));
    two.addListener((r, from, to) -> callbackThreads.add(Thread.currentThread().getName()));
    other.register(ServiceInstance.of("orders", "o-1", "http://o:1"), Duration.ofSeconds(5));
    registry.putRaw("/services/dotnet/d-1", "{\"Id\":\"d-1\",\"Name\":\"dotnet\",\"Address\":\"http://d:1\"}",
        Duration.ofSeconds(10));
    Election election = registry.election("migrations");
    election.observe(leader -> callbackThreads.add(Thread.currentThread().getName()));
    Candidacy leader = election.campaign("a", Duration.ofSeconds(10));
    leader.addListener((c, from, to) -> callbackThreads.add(Thread.currentThread().getName()));
    election.campaign("b", Duration.ofSeconds(10));

    registry.crash(one);
    registry.crash(leader);
    try (InjectedFault outage = registry.inject(Fault.unavailable())) {
      clock.advance(Duration.ofMinutes(2));
    }
    InjectedFault failing = registry.inject(Fault.keepAliveFailure(two));
    clock.set(clock.instant().plusSeconds(60));
    failing.heal();
    clock.advance(Duration.ofMinutes(2));
    assertThat(two.state()).as("recovered within the scenario").isEqualTo(RegistrationState.ACTIVE);
    assertThat(log).as("the scenario did happen").contains("Added", "Removed");
    registry.close();
    other.close();
    return callbackThreads;
  }

  private static Set<String> names(Set<Thread> threads) {
    return threads.stream().map(Thread::getName).collect(Collectors.toSet());
  }
}
