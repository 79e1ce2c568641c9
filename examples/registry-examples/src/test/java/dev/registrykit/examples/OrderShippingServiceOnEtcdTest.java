package dev.registrykit.examples;

import static dev.registrykit.junit.RegistryAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import dev.registrykit.Registry;
import dev.registrykit.examples.MigrationLog.Entry;
import dev.registrykit.junit.EtcdRegistryTest;
import dev.registrykit.junit.RegistryTime;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/**
 * The example service on a real etcd, as it runs in production: its migration job on a thread of
 * its own, its leases kept alive by etcd. Waits are bounded ({@link RegistryTime} waits with
 * Awaitility, every 50 ms, for at most the TTL plus a margin or 10 s).
 */
@EtcdRegistryTest
class OrderShippingServiceOnEtcdTest {

  private static final Duration TTL = Duration.ofSeconds(2);
  private final List<String> events = new CopyOnWriteArrayList<>();

  private OrderShippingService.Builder service(Registry registry, int n, MigrationLog log) {
    return Instances.instance(registry, n, TTL, log, events::add);
  }

  @Test
  void aLeaderFrozenPastItsTtlIsReplacedAndItsLateWriteIsRefused(Registry registry, RegistryTime time) {
    MigrationLog log = MigrationLog.ofBatches(3);
    CompletableFuture<Void> frozen = new CompletableFuture<>();
    CountDownLatch thaw = new CountDownLatch(1);
    try (OrderShippingService one = service(registry, 1, log).withMigration(batch -> {
          if (batch == 2) {
            frozen.complete(null);
            thaw.await();                          // batch 2 hangs (a long GC pause, a stuck call)
          }
        }).start();
        OrderShippingService two = service(registry, 2, log).start()) {
      time.eventually(() -> assertThat(frozen).isDone());
      long staleToken = one.candidacy().fencingToken().orElseThrow();
      assertThat(log.entries()).containsExactly(new Entry(1, "i-1", staleToken));

      time.crash(one.registration());              // frozen: no keep-alive goes out either
      time.crash(one.candidacy());
      time.awaitExpiry(one.registration());

      assertThat(registry).doesNotHaveInstance(one.instance());
      time.eventually(() -> assertThat(two.candidacy()).isLeading());
      time.eventually(() -> assertThat(log.isComplete()).isTrue());
      long newToken = two.candidacy().fencingToken().orElseThrow();
      assertThat(newToken).isGreaterThan(staleToken);
      assertThat(log.entries()).containsExactly(
          new Entry(1, "i-1", staleToken), new Entry(2, "i-2", newToken), new Entry(3, "i-2", newToken));

      thaw.countDown();                            // i-1 wakes up and writes batch 2 with its old token
      time.eventually(() -> assertThat(events).contains("i-1's write of batch 2 was refused: fencingToken must be at least "
          + newToken + ", the highest this log has seen, but was: " + staleToken + " (a newer leader has written since)"));
      assertThat(log.entries()).as("unchanged by the late write").hasSize(3);
      assertThat(one.isMigrating()).isFalse();
    }
  }

  @Test
  void closingTheLeaderInterruptsItsBatchAndTheNextInstanceResumesTheMigration(Registry registry, RegistryTime time) {
    MigrationLog log = MigrationLog.ofBatches(3);
    CompletableFuture<Void> inBatchTwo = new CompletableFuture<>();
    OrderShippingService one = service(registry, 1, log).withMigration(batch -> {
      if (batch == 2) {
        inBatchTwo.complete(null);
        new CountDownLatch(1).await();             // a long batch: runs until interrupted
      }
    }).start();
    try (OrderShippingService two = service(registry, 2, log).start()) {
      time.eventually(() -> assertThat(inBatchTwo).isDone());
      long oneToken = one.candidacy().fencingToken().orElseThrow();

      one.close();                                 // stops the job, interrupts batch 2, resigns, deregisters

      assertThat(registry).doesNotHaveInstance(one.instance());
      assertThat(events).contains("i-1 stops the migration job: the service shuts down");
      time.eventually(() -> assertThat(log.isComplete()).isTrue());
      long twoToken = two.candidacy().fencingToken().orElseThrow();
      assertThat(log.entries()).containsExactly(
          new Entry(1, "i-1", oneToken), new Entry(2, "i-2", twoToken), new Entry(3, "i-2", twoToken));
      time.eventually(() -> assertThat(Thread.getAllStackTraces().keySet()).as("the service's own job thread")
          .noneMatch(thread -> thread.getName().equals("order-shipping-migration-i-1")));
    }
  }
}
