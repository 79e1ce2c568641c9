package dev.registrykit.examples;

import static dev.registrykit.junit.RegistryAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.registrykit.Registry;
import dev.registrykit.RegistryEvent;
import dev.registrykit.RegistryUnavailableException;
import dev.registrykit.examples.MigrationLog.Entry;
import dev.registrykit.fake.FakeClock;
import dev.registrykit.fake.FakeRegistry;
import dev.registrykit.junit.FakeRegistryTest;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The example service on the fake, as its authors would test it: no thread, no sleep. Time moves
 * when the test advances the clock, and the migration job runs when the test runs its executor.
 */
@FakeRegistryTest
class OrderShippingServiceFakeTest {

  private static final Duration TTL = Duration.ofSeconds(3);
  private final List<String> events = new CopyOnWriteArrayList<>();

  private OrderShippingService.Builder service(Registry registry, int n, MigrationLog log, ManualExecutor jobs) {
    return Instances.instance(registry, n, TTL, log, events::add).withExecutor(jobs);
  }

  @Test
  void aCrashedLeadersLeaseExpiresAndAnotherInstanceTakesOverTheMigration(FakeRegistry registry, FakeClock clock) {
    MigrationLog log = MigrationLog.ofBatches(3);
    ManualExecutor oneJob = new ManualExecutor();
    ManualExecutor twoJob = new ManualExecutor();
    OrderShippingService one = service(registry, 1, log, oneJob).start();
    OrderShippingService two = service(registry, 2, log, twoJob).start();
    long oneToken = one.candidacy().fencingToken().orElseThrow();

    assertThat(one.isMigrating()).isTrue();
    assertThat(two.isMigrating()).as("i-2 waits: it runs no job").isFalse();
    assertThat(twoJob.pending()).isZero();
    assertThat(oneJob.runNext()).isTrue();
    assertThat(log.entries()).containsExactly(new Entry(1, "i-1", oneToken));

    registry.crash(one.registration());            // i-1's process dies: keep-alives stop, keys stay
    registry.crash(one.candidacy());
    clock.advance(TTL.minusSeconds(1));
    assertThat(registry).hasInstance(one.instance());
    assertThat(two.candidacy()).isWaiting();

    clock.advance(Duration.ofSeconds(2));          // past the TTL: the leases run out, right here
    assertThat(registry).doesNotHaveInstance(one.instance());
    assertThat(registry.history()).filteredOn(RegistryEvent.Removed.class::isInstance)
        .extracting(event -> event.instance().instanceId()).containsExactly("i-1");
    assertThat(one.candidacy()).isLost();
    assertThat(one.isMigrating()).as("i-1's job stopped when its candidacy turned LOST").isFalse();
    assertThat(two.candidacy()).isLeading();
    long twoToken = two.candidacy().fencingToken().orElseThrow();
    assertThat(twoToken).isGreaterThan(oneToken);

    assertThat(oneJob.runAll()).as("i-1's next batch, queued before it lost").isEqualTo(1);
    assertThat(log.entries()).as("a stopped job writes nothing").hasSize(1);
    twoJob.runAll();
    assertThat(log.entries()).containsExactly(
        new Entry(1, "i-1", oneToken), new Entry(2, "i-2", twoToken), new Entry(3, "i-2", twoToken));
    assertThat(two.isMigrating()).as("finished").isFalse();
    assertThat(events).containsSubsequence(
        "i-1 leads (fencing token " + oneToken + "): starts the migration job",
        "i-1 migrated batch 1 of 3 (fencing token " + oneToken + ")",
        "i-1 stops the migration job: its candidacy is LOST",
        "i-2 leads (fencing token " + twoToken + "): starts the migration job",
        "i-2 migrated batch 2 of 3 (fencing token " + twoToken + ")",
        "i-2 migrated batch 3 of 3 (fencing token " + twoToken + ")",
        "i-2 finds the migration complete");
  }

  @Test
  void aLeaderDeposedInTheMiddleOfABatchHasItsLateWriteRefused(FakeRegistry registry, FakeClock clock) {
    MigrationLog log = MigrationLog.ofBatches(3);
    ManualExecutor oneJob = new ManualExecutor();
    ManualExecutor twoJob = new ManualExecutor();
    AtomicReference<Runnable> duringBatchTwo = new AtomicReference<>();
    OrderShippingService one = service(registry, 1, log, oneJob)
        .withMigration(batch -> {
          if (batch == 2) {
            duringBatchTwo.get().run();
          }
        })
        .start();
    OrderShippingService two = service(registry, 2, log, twoJob).start();
    long staleToken = one.candidacy().fencingToken().orElseThrow();
    duringBatchTwo.set(() -> {                     // batch 2 stalls longer than the TTL (a long GC pause):
      registry.crash(one.registration());          // no keep-alive goes out while i-1 is stalled
      registry.crash(one.candidacy());
      clock.advance(TTL.plusSeconds(1));           // its lease runs out and i-2 leads
      twoJob.runAll();                             // i-2 migrates batches 2 and 3
    });

    oneJob.runAll();                               // batch 1; batch 2 stalls, then i-1 writes it late

    long newToken = two.candidacy().fencingToken().orElseThrow();
    assertThat(newToken).isGreaterThan(staleToken);
    assertThat(log.entries()).containsExactly(
        new Entry(1, "i-1", staleToken), new Entry(2, "i-2", newToken), new Entry(3, "i-2", newToken));
    assertThat(events).containsSubsequence(
        "i-1 stops the migration job: its candidacy is LOST",
        "i-2 migrated batch 3 of 3 (fencing token " + newToken + ")",
        "i-1's write of batch 2 was refused: fencingToken must be at least " + newToken
            + ", the highest this log has seen, but was: " + staleToken + " (a newer leader has written since)");
    assertThat(oneJob.pending()).as("i-1's job stopped after the refusal").isZero();
  }

  @Test
  void closingTheLeaderHandsOverAndTheNextInstanceResumesTheMigration(FakeRegistry registry) {
    MigrationLog log = MigrationLog.ofBatches(2);
    ManualExecutor oneJob = new ManualExecutor();
    ManualExecutor twoJob = new ManualExecutor();
    OrderShippingService one = service(registry, 1, log, oneJob).start();
    OrderShippingService two = service(registry, 2, log, twoJob).start();
    oneJob.runNext();

    one.close();

    assertThat(registry).doesNotHaveInstance(one.instance()).hasInstances(OrderShippingService.SERVICE, 1);
    assertThat(one.candidacy()).isResigned();
    assertThat(two.candidacy()).isLeading();
    oneJob.runAll();
    twoJob.runAll();
    assertThat(log.entries()).extracting(Entry::instanceId).containsExactly("i-1", "i-2");
    assertThat(events).contains("i-1 stops the migration job: the service shuts down");
  }

  @Test
  void aFailedCampaignLeavesNoRegistrationBehind(FakeRegistry registry, FakeClock clock) {
    RegistryUnavailableException failure = new RegistryUnavailableException("etcd cannot be reached: campaign timed out");
    Registry electionsFail = (Registry) Proxy.newProxyInstance(Registry.class.getClassLoader(),
        new Class<?>[] {Registry.class}, (proxy, method, args) -> {
          if (method.getName().equals("election")) {
            throw failure;
          }
          try {
            return method.invoke(registry, args);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
        });

    assertThatThrownBy(() -> service(electionsFail, 1, MigrationLog.ofBatches(1), new ManualExecutor()).start())
        .isSameAs(failure);

    assertThat(registry.history()).as("registered, then deregistered at once")
        .extracting(event -> event.getClass().getSimpleName() + " " + event.instance().instanceId())
        .containsExactly("Added i-1", "Removed i-1");
    clock.advance(TTL.multipliedBy(3));
    assertThat(registry.allInstances()).isEmpty();
  }

  @Test
  void startNamesTheMissingSetting(FakeRegistry registry) {
    assertThatThrownBy(() -> OrderShippingService.builder().withRegistry(registry).withInstanceId("i-1")
        .withAddress("http://10.0.0.1:5000").start())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("migrationLog must be set before start(), such as withMigrationLog(MigrationLog.ofBatches(3)), but was not");
    assertThatThrownBy(() -> OrderShippingService.builder().withRegistry(registry).withInstanceId("i/1")
        .withAddress("http://10.0.0.1:5000").withMigrationLog(MigrationLog.ofBatches(1)).start())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("instanceId must match [A-Za-z0-9._-]{1,128} but was: \"i/1\"");
    assertThat(registry.history()).as("nothing half-written").isEmpty();
  }

  @Test
  void aNewLeaderFindsACompleteMigrationAndDoesNothing(FakeRegistry registry) {
    MigrationLog log = MigrationLog.ofBatches(1);
    log.record(1, 1, "an earlier deployment");
    ManualExecutor jobs = new ManualExecutor();
    OrderShippingService one = service(registry, 1, log, jobs).start();

    assertThat(jobs.runAll()).isEqualTo(1);

    assertThat(log.entries()).containsExactly(new Entry(1, "an earlier deployment", 1));
    assertThat(one.isMigrating()).isFalse();
    assertThat(events).endsWith("i-1 finds the migration complete");
  }
}
