package dev.registrykit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PickStrategyTest {

  private static final ServiceInstance A = ServiceInstance.of("orders", "a", "http://10.0.0.1:5000");
  private static final ServiceInstance B = ServiceInstance.of("orders", "b", "http://10.0.0.2:5000");
  private static final ServiceInstance C = ServiceInstance.of("orders", "c", "http://10.0.0.3:5000");
  private static final List<ServiceInstance> ALL = List.of(A, B, C);

  @Test
  void roundRobinTakesEachInTurnAndFollowsAShorterList() {
    PickStrategy strategy = PickStrategy.roundRobin();

    assertThat(List.of(strategy.pick(ALL), strategy.pick(ALL), strategy.pick(ALL), strategy.pick(ALL)))
        .containsExactly(A, B, C, A);
    assertThat(strategy.pick(List.of(A, C))).isEqualTo(A); // the counter is at 4: 4 mod 2
    assertThat(strategy.pick(List.of(B))).isEqualTo(B);
  }

  @Test
  void eachFactoryCallHasItsOwnState() {
    PickStrategy first = PickStrategy.roundRobin();
    PickStrategy second = PickStrategy.roundRobin();
    first.pick(ALL);

    assertThat(second.pick(ALL)).isEqualTo(A);
    assertThat(first).isNotSameAs(second);
  }

  @Test
  void randomPicksOnlyCandidatesAndEveryOneOfThem() {
    PickStrategy strategy = PickStrategy.random();
    Map<ServiceInstance, Integer> counts = new HashMap<>();
    for (int i = 0; i < 3_000; i++) {
      counts.merge(strategy.pick(ALL), 1, Integer::sum);
    }

    assertThat(counts).containsOnlyKeys(A, B, C);
    assertThat(counts.values()).allSatisfy(count -> assertThat(count).isBetween(800, 1_200));
  }

  @Test
  void stickyKeepsItsInstanceByIdWithItsLatestData() {
    PickStrategy strategy = PickStrategy.sticky();
    ServiceInstance first = strategy.pick(ALL);
    ServiceInstance moved = first.withAddress("http://10.0.0.9:5000");
    List<ServiceInstance> updated = ALL.stream().map(i -> i.equals(first) ? moved : i).toList();

    assertThat(strategy.pick(ALL)).isEqualTo(first);
    assertThat(strategy.pick(ALL)).isEqualTo(first);
    assertThat(strategy.pick(updated)).isEqualTo(moved);
  }

  @Test
  void stickyMovesWhenItsInstanceIsNoCandidateAndKeepsTheNextOne() {
    PickStrategy strategy = PickStrategy.sticky();
    assertThat(strategy.pick(ALL)).isEqualTo(A);

    ServiceInstance next = strategy.pick(List.of(B, C));

    assertThat(next).isIn(B, C);
    assertThat(strategy.pick(List.of(A, B, C))).as("does not go back to A").isEqualTo(next);
  }

  @Test
  void strategiesSayWhatTheyAre() {
    assertThat(PickStrategy.roundRobin()).hasToString("PickStrategy.roundRobin()");
    assertThat(PickStrategy.random()).hasToString("PickStrategy.random()");
    assertThat(PickStrategy.sticky()).hasToString("PickStrategy.sticky()");
  }
}
