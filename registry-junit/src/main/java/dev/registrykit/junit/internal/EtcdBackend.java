package dev.registrykit.junit.internal;

import dev.registrykit.etcd.EtcdRegistry;
import dev.registrykit.internal.InstanceCodec;
import dev.registrykit.junit.RegistryBackend;
import io.etcd.jetcd.ByteSequence;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** {@link RegistryBackend} on etcd: raw writes through the raw client, outages by pausing etcd. */
final class EtcdBackend implements RegistryBackend {

  private final EtcdRegistry registry;
  private final DefaultEtcdHandle etcd;
  private boolean paused;

  EtcdBackend(EtcdRegistry registry, DefaultEtcdHandle etcd) {
    this.registry = registry;
    this.etcd = etcd;
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

  private ByteSequence key(String serviceName, String instanceId) {
    return ByteSequence.from(InstanceCodec.key(registry.namespace(), serviceName, instanceId), StandardCharsets.UTF_8);
  }

  private static void await(CompletableFuture<?> future) {
    try {
      future.get(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while writing to etcd", e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("could not write to etcd: " + e, e);
    }
  }

  @Override
  public synchronized void makeUnavailable() {
    if (!paused) {
      etcd.pauseFor("makeUnavailable() pauses etcd, which");
      paused = true;
    }
  }

  @Override
  public synchronized void heal() {
    if (paused) {
      etcd.unpause();
      paused = false;
    }
  }
}
