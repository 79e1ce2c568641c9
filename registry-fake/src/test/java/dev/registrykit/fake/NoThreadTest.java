package dev.registrykit.fake;

import static org.assertj.core.api.Assertions.assertThat;

import dev.registrykit.Registration;
import dev.registrykit.ServiceInstance;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The fake promises no background thread: everything runs on the test's thread inside advance. */
class NoThreadTest {

  @Test
  void aFullScenarioStartsNoThread() {
    Set<Thread> before = new HashSet<>(Thread.getAllStackTraces().keySet());
    Set<String> callbackThreads = new HashSet<>();

    FakeRegistry registry = FakeRegistry.create();
    registry.watchAll(e -> callbackThreads.add(Thread.currentThread().getName()));
    Registration one = registry.register(ServiceInstance.of("orders", "i-1", "http://h:1"), Duration.ofSeconds(30));
    registry.register(ServiceInstance.of("orders", "i-2", "http://h:2"), Duration.ofSeconds(30))
        .addListener((r, from, to) -> callbackThreads.add(Thread.currentThread().getName()));
    registry.crash(one);
    try (InjectedFault outage = registry.inject(Fault.unavailable())) {
      registry.clock().advance(Duration.ofMinutes(2));
    }
    registry.clock().advance(Duration.ofMinutes(2));
    registry.close();

    Set<Thread> after = new HashSet<>(Thread.getAllStackTraces().keySet());
    after.removeAll(before);
    assertThat(after.stream().map(Thread::getName).collect(Collectors.toSet()))
        .as("threads started during the scenario").isEmpty();
    assertThat(callbackThreads).containsExactly(Thread.currentThread().getName());
  }
}
