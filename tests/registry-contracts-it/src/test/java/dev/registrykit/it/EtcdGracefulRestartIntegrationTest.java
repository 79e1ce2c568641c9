package dev.registrykit.it;

import static dev.registrykit.junit.RegistryAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import dev.registrykit.CacheState;
import dev.registrykit.Registration;
import dev.registrykit.Registry;
import dev.registrykit.RegistryEvent;
import dev.registrykit.ServiceCache;
import dev.registrykit.ServiceInstance;
import dev.registrykit.Subscription;
import dev.registrykit.etcd.EtcdRegistry;
import dev.registrykit.etcd.internal.EtcdTestAccess;
import dev.registrykit.internal.InstanceCodec;
import dev.registrykit.junit.etcd.EtcdHandle;
import dev.registrykit.junit.EtcdLifecycle;
import dev.registrykit.junit.EtcdRegistryTest;
import dev.registrykit.junit.RegistryTime;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * etcd restarted as {@code docker restart} does it (SIGTERM, then start): etcd first spends seconds
 * in a graceful stop, refusing new calls while it still expires leases and serves the streams already
 * open, then exits, and the restarted lessor renews every lease it had. Registrations on short leases
 * must come through it: no key deleted (each keeps its lease and its create revision), no watcher
 * hearing a removal, no cache emptied, and no registration ever {@code LOST}. Issue 29, item 3.
 */
@EtcdRegistryTest(lifecycle = EtcdLifecycle.PER_CLASS)
class EtcdGracefulRestartIntegrationTest {

  /** Shorter than etcd's graceful stop (about 7 s), as in the reproduction. */
  private static final Duration TTL = Duration.ofSeconds(5);
  private static final ServiceInstance ONE = ServiceInstance.of("orders", "i-1", "http://10.0.0.1:5000");
  private static final ServiceInstance TWO = ServiceInstance.of("orders", "i-2", "http://10.0.0.2:5000");

  private static KeyValue stored(Client client, String key) throws Exception {
    List<KeyValue> kvs = client.getKVClient().get(ByteSequence.from(key, StandardCharsets.UTF_8))
        .get(Bounds.answerNanos(), TimeUnit.NANOSECONDS).getKvs();
    assertThat(kvs).as("key " + key).hasSize(1);
    return kvs.get(0);
  }

  @Test
  void shortLeasesOutliveAGracefulRestartOfEtcd(EtcdHandle etcd, RegistryTime time, Client client) throws Exception {
    // straight to etcd, as an application is (the injected registry goes through the toolkit's proxy)
    try (EtcdRegistry etcdRegistry = EtcdRegistry.builder().withEndpoints(etcd.endpoints().get(0).toString())
        .withNamespace("/graceful-restart").build()) {
      outlives(etcdRegistry, etcd, time, client);
    }
  }

  private static void outlives(EtcdRegistry etcdRegistry, EtcdHandle etcd, RegistryTime time, Client client)
      throws Exception {
    Registry registry = etcdRegistry;
    Registration one = registry.register(ONE, TTL);
    Registration two = registry.register(TWO, TTL);
    List<String> states = new CopyOnWriteArrayList<>();
    one.addListener((r, from, to) -> states.add("i-1 " + from + "->" + to));
    two.addListener((r, from, to) -> states.add("i-2 " + from + "->" + to));
    List<RegistryEvent> events = new CopyOnWriteArrayList<>();
    List<Integer> cacheSizes = new CopyOnWriteArrayList<>();
    try (Subscription watch = registry.watch("orders", events::add);
         ServiceCache cache = ServiceCache.builder(registry, "orders").build()) {
      cache.addListener(change -> cacheSizes.add(change.instances().size()));
      time.eventually(() -> assertThat(events).hasSize(2));
      assertThat(cache.instances()).containsExactlyInAnyOrder(ONE, TWO);
      String keyOne = InstanceCodec.key(etcdRegistry.namespace(), ONE);
      String keyTwo = InstanceCodec.key(etcdRegistry.namespace(), TWO);
      KeyValue oneBefore = stored(client, keyOne);
      KeyValue twoBefore = stored(client, keyTwo);
      long leaseOne = EtcdTestAccess.leaseId(etcdRegistry, one);
      long leaseTwo = EtcdTestAccess.leaseId(etcdRegistry, two);

      long stopping = System.nanoTime();
      etcd.stop(); // docker stop: SIGTERM, etcd's graceful stop, exit
      long stopped = System.nanoTime();
      etcd.start();
      long started = System.nanoTime();
      System.out.printf("graceful stop %d ms, start %d ms (TTL %s)%n", (stopped - stopping) / 1_000_000,
          (started - stopped) / 1_000_000, TTL);

      // Through the restart and past a TTL after it, renewals on the restarted etcd must hold.
      time.eventually(() -> assertThat(cache.state()).isEqualTo(CacheState.CURRENT));
      time.elapse(TTL.plus(TTL.dividedBy(2)));
      assertThat(states).as("registration state changes").isEmpty();
      assertThat(one).isActive();
      assertThat(two).isActive();
      assertThat(events).as("watch events").noneMatch(RegistryEvent.Removed.class::isInstance);
      assertThat(cacheSizes).as("the cache's sizes after each change").doesNotContain(0, 1);
      assertThat(cache.instances()).containsExactlyInAnyOrder(ONE, TWO);
      KeyValue oneAfter = stored(client, keyOne);
      KeyValue twoAfter = stored(client, keyTwo);
      assertThat(oneAfter.getCreateRevision()).as("create revision of " + keyOne + " (a delete and put changes it)")
          .isEqualTo(oneBefore.getCreateRevision());
      assertThat(twoAfter.getCreateRevision()).as("create revision of " + keyTwo)
          .isEqualTo(twoBefore.getCreateRevision());
      assertThat(oneAfter.getLease()).as("lease of " + keyOne).isEqualTo(leaseOne);
      assertThat(twoAfter.getLease()).as("lease of " + keyTwo).isEqualTo(leaseTwo);
      assertThat(EtcdTestAccess.leaseId(etcdRegistry, one)).isEqualTo(leaseOne);
    }
  }
}
