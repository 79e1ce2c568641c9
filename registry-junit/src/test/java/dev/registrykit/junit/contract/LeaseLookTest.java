package dev.registrykit.junit.contract;

import static dev.registrykit.junit.contract.ContractSupport.holdsWhileEtcdSaysBeforeTheTtl;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.registrykit.junit.internal.StoreLeases.LeaseTtl;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * The etcd half of {@code ContractSupport.holdsUntilJustBeforeTheTtl}, fed etcd's reports by hand: it
 * checks the claim while etcd says the lease is before its TTL, and when no look could count (the
 * lease already under a second, or gone, at the first look after the claim) it fails saying nothing
 * was checked instead of passing.
 */
class LeaseLookTest {

  private static final Duration TTL = Duration.ofSeconds(3);
  private static final Duration BOUND = Duration.ofSeconds(60);

  private final List<String> log = new ArrayList<>();

  @Test
  void theClaimIsCheckedForAsLongAsEtcdReportsASecondOrMoreLeft() {
    int counted = holdsWhileEtcdSaysBeforeTheTtl(TTL, "the lease of orders/i-1", reports(3, 2, 2, 1, 0),
        () -> log.add("pause"), BOUND, "orders/i-1 is listed", () -> log.add("claim"));

    assertThat(counted).isEqualTo(3);
    assertThat(log).containsExactly("claim", "pause", "claim", "pause", "claim", "pause", "claim");
  }

  @Test
  void aLeaseAlreadyUnderASecondAtTheFirstLookFailsSayingNothingWasChecked() {
    assertThatThrownBy(() -> holdsWhileEtcdSaysBeforeTheTtl(TTL, "the lease of orders/i-1", reports(3, 0),
        () -> log.add("pause"), BOUND, "orders/i-1 is listed", () -> log.add("claim")))
        .isInstanceOf(AssertionError.class)
        .hasMessageStartingWith("Nothing was checked: \"orders/i-1 is listed\" must be seen while etcd reports at "
            + "least a second left of the lease of orders/i-1 (granted PT3S), but at the first look after the claim "
            + "it reported PT0S left")
        .hasMessageContaining("registrykit.time.scale");
    assertThat(log).containsExactly("claim");
  }

  @Test
  void aLeaseGoneAtTheFirstLookFailsSayingNothingWasChecked() {
    Deque<Optional<LeaseTtl>> answers = new ArrayDeque<>(List.of(lease(3), Optional.empty()));

    assertThatThrownBy(() -> holdsWhileEtcdSaysBeforeTheTtl(TTL, "the lease of candidate a", answers::poll,
        () -> { }, BOUND, "b waits", () -> { }))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("Nothing was checked: \"b waits\"").hasMessageContaining("it reported the lease gone");
  }

  @Test
  void aClaimThatFailsWhileTheLeaseLivesFails() {
    assertThatThrownBy(() -> holdsWhileEtcdSaysBeforeTheTtl(TTL, "the lease of orders/i-1", reports(3, 2),
        () -> { }, BOUND, "orders/i-1 is listed", () -> {
          throw new AssertionError("orders/i-1 is gone");
        })).isInstanceOf(AssertionError.class).hasMessage("orders/i-1 is gone");
  }

  @Test
  void aLeaseOfAnotherTtlThanAskedForFails() {
    assertThatThrownBy(() -> holdsWhileEtcdSaysBeforeTheTtl(Duration.ofSeconds(5), "the lease of orders/i-1",
        reports(3, 2), () -> { }, BOUND, "orders/i-1 is listed", () -> { }))
        .isInstanceOf(AssertionError.class).hasMessageContaining("the TTL etcd granted the lease of orders/i-1");
  }

  @Test
  void noLeaseAtAllFails() {
    assertThatThrownBy(() -> holdsWhileEtcdSaysBeforeTheTtl(TTL, "the lease of orders/i-1", Optional::empty,
        () -> { }, BOUND, "orders/i-1 is listed", () -> { }))
        .isInstanceOf(AssertionError.class)
        .hasMessage("Expecting etcd to hold the lease of orders/i-1 until its TTL (PT3S) but it held none (was it revoked?)");
  }

  @Test
  void aLeaseThatNeverRunsOutFailsAtTheBound() {
    assertThatThrownBy(() -> holdsWhileEtcdSaysBeforeTheTtl(TTL, "the lease of orders/i-1", () -> lease(3),
        () -> { }, Duration.ZERO, "orders/i-1 is listed", () -> { }))
        .isInstanceOf(AssertionError.class)
        .hasMessage("Expecting the lease of orders/i-1 to run out within PT0S but etcd still reports PT3S left "
            + "(is its keep-alive still running?)");
  }

  /** etcd's reports in turn: the lease granted {@link #TTL}, with these seconds left. */
  private static Supplier<Optional<LeaseTtl>> reports(long... secondsLeft) {
    Deque<Optional<LeaseTtl>> answers = new ArrayDeque<>();
    Arrays.stream(secondsLeft).forEach(left -> answers.add(lease(left)));
    return answers::poll;
  }

  private static Optional<LeaseTtl> lease(long secondsLeft) {
    return Optional.of(new LeaseTtl(7, TTL, Duration.ofSeconds(secondsLeft)));
  }
}
