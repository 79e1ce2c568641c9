package dev.registrykit.junit.etcd.internal;

import dev.registrykit.etcd.EtcdRegistry;
import dev.registrykit.etcd.internal.EtcdTestAccess;
import dev.registrykit.internal.InstanceCodec;
import dev.registrykit.junit.EtcdLifecycle;
import dev.registrykit.junit.BackendControls;
import dev.registrykit.junit.internal.StoreLeases;
import dev.registrykit.junit.internal.StoreLeases.LeaseTtl;
import dev.registrykit.junit.TimeScale;
import dev.registrykit.internal.ElectionRule;
import dev.registrykit.Candidacy;
import dev.registrykit.InvalidEntry;
import dev.registrykit.Registration;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.lease.LeaseTimeToLiveResponse;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.LeaseOption;
import io.etcd.jetcd.options.CompactOption;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@link BackendControls} on etcd: raw writes through the raw client; an outage cuts the proxies
 * between the test's registry and etcd, so etcd goes on serving (and expiring leases) for everyone
 * else, another program's candidate included (a registry of its own on the raw client).
 */
final class EtcdBackendControls implements BackendControls, StoreLeases {

  /** The bound of a raw client's call at scale 1 ({@link TimeScale}). */
  private static final Duration RAW_CALL = Duration.ofSeconds(10);

  private final EtcdRegistry registry;
  private final GuardedEtcdHandle etcd;
  private final List<CuttableProxy> proxies;
  private final Duration callTimeout;
  private final List<InvalidEntry> invalidEntries;
  private EtcdRegistry anotherClient; // guarded by this

  /** {@code invalidEntries}: the list {@code registry}'s invalid-entry listener adds to. */
  EtcdBackendControls(EtcdRegistry registry, GuardedEtcdHandle etcd, List<CuttableProxy> proxies, Duration callTimeout,
      List<InvalidEntry> invalidEntries) {
    this.registry = registry;
    this.invalidEntries = invalidEntries;
    this.etcd = etcd;
    this.proxies = List.copyOf(proxies);
    this.callTimeout = callTimeout;
  }

  @Override
  public String name() {
    return "etcd";
  }

  @Override
  public String namespace() {
    return registry.namespace();
  }

  @Override
  public void putRaw(String serviceName, String instanceId, String value) {
    await(etcd.client().getKVClient().put(key(serviceName, instanceId), ByteSequence.from(value, StandardCharsets.UTF_8)));
  }

  @Override
  public void deleteRaw(String serviceName, String instanceId) {
    await(etcd.client().getKVClient().delete(key(serviceName, instanceId)));
  }

  @Override
  public Optional<String> getRaw(String serviceName, String instanceId) {
    return await(etcd.client().getKVClient().get(key(serviceName, instanceId))).getKvs().stream().findFirst()
        .map(kv -> kv.getValue().toString(StandardCharsets.UTF_8));
  }

  private ByteSequence key(String serviceName, String instanceId) {
    return ByteSequence.from(InstanceCodec.key(registry.namespace(), serviceName, instanceId), StandardCharsets.UTF_8);
  }

  @Override
  public Optional<LeaseTtl> leaseOfInstance(String serviceName, String instanceId) {
    return await(etcd.client().getKVClient().get(key(serviceName, instanceId))).getKvs().stream().findFirst()
        .flatMap(this::leaseOf);
  }

  @Override
  public Optional<LeaseTtl> leaseOfCandidate(String election, String candidateId) {
    ByteSequence prefix = ByteSequence.from(ElectionRule.prefix(registry.namespace(), election), StandardCharsets.UTF_8);
    return await(etcd.client().getKVClient().get(prefix, GetOption.builder().isPrefix(true).build())).getKvs().stream()
        .filter(kv -> kv.getValue().toString(StandardCharsets.UTF_8).equals(candidateId)).findFirst()
        .flatMap(this::leaseOf);
  }

  /** etcd's LeaseTimeToLive of {@code kv}'s lease; empty for a key without a lease or a lease etcd no longer holds (TTL -1). */
  private Optional<LeaseTtl> leaseOf(KeyValue kv) {
    if (kv.getLease() == 0) {
      return Optional.empty();
    }
    LeaseTimeToLiveResponse lease = await(etcd.client().getLeaseClient().timeToLive(kv.getLease(), LeaseOption.DEFAULT));
    if (lease.getTTL() < 0) {
      return Optional.empty();
    }
    return Optional.of(new LeaseTtl(kv.getLease(), Duration.ofSeconds(lease.getGrantedTTL()), Duration.ofSeconds(lease.getTTL())));
  }

  private static <T> T await(CompletableFuture<T> future) {
    try {
      return future.get(TimeScale.scaled(RAW_CALL).toNanos(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while talking to etcd", e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("etcd did not answer the raw client: " + e, e);
    }
  }

  @Override
  public void makeUnavailable() {
    proxies.forEach(CuttableProxy::cut);
  }

  @Override
  public void heal() {
    proxies.forEach(CuttableProxy::restore);
  }

  @Override
  public void stop() {
    ownEtcd("stop()");
    etcd.stop();
  }

  @Override
  public void start() {
    ownEtcd("start()");
    etcd.start();
  }

  @Override
  public void wipe() {
    ownEtcd("wipe()");
    etcd.wipe();
  }

  /** Refuses {@code control} on the etcd the whole run shares, saying how to get one of the test's own. */
  private void ownEtcd(String control) {
    if (etcd.lifecycle() == EtcdLifecycle.PER_RUN) {
      throw new UnsupportedOperationException("backend." + control + " would hit every test class sharing this "
          + "etcd (lifecycle PER_RUN): give the test an etcd of its own with @EtcdRegistryTest(lifecycle = "
          + "EtcdLifecycle.PER_CLASS), or @RegistryTest(etcd = @EtcdRegistryTest(lifecycle = EtcdLifecycle.PER_CLASS))");
    }
  }

  @Override
  public void compact() {
    long revision = await(etcd.client().getKVClient().get(key("compact", "probe"))).getHeader().getRevision();
    await(etcd.client().getKVClient().compact(revision, CompactOption.builder().withCompactPhysical(true).build()));
  }

  @Override
  public void loseLease(Registration registration) {
    await(etcd.client().getLeaseClient().revoke(EtcdTestAccess.leaseId(registry, registration)));
  }

  @Override
  public Candidacy campaignFromAnotherClient(String election, String candidateId, Duration ttl) {
    return anotherClient().election(election).campaign(candidateId, ttl);
  }

  /** The other program: a registry of its own in the same namespace, on the raw client (no proxy). */
  private synchronized EtcdRegistry anotherClient() {
    if (anotherClient == null) {
      anotherClient = EtcdRegistry.builder().withClient(etcd.client()).withNamespace(registry.namespace())
          .withCallTimeout(callTimeout).build();
    }
    return anotherClient;
  }

  /** Closes the other program's registry, if one was made (resigning its candidacies); not the raw client. */
  void close() {
    EtcdRegistry made;
    synchronized (this) {
      made = anotherClient;
      anotherClient = null;
    }
    if (made != null) {
      made.close();
    }
  }

  @Override
  public List<InvalidEntry> invalidEntries() {
    return List.copyOf(invalidEntries);
  }
}
