package dev.registrykit.spring;

import dev.registrykit.Registry;
import java.util.List;
import java.util.Objects;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.discovery.DiscoveryClient;

/**
 * Spring Cloud's {@link DiscoveryClient} on registrykit: the instances of a service come from its
 * live cache (no call to etcd after the first), the service names from the registry.
 */
final class RegistrykitDiscoveryClient implements DiscoveryClient {

  private final Registry registry;
  private final ServiceCaches caches;

  /** A client that reads {@code caches} and lists services on {@code registry}. */
  RegistrykitDiscoveryClient(Registry registry, ServiceCaches caches) {
    this.registry = Objects.requireNonNull(registry, "registry must not be null");
    this.caches = Objects.requireNonNull(caches, "caches must not be null");
  }

  @Override
  public String description() {
    return "registrykit DiscoveryClient on " + registry;
  }

  @Override
  public List<ServiceInstance> getInstances(String serviceId) {
    return caches.instances(serviceId).stream().<ServiceInstance>map(RegistrykitServiceInstance::new).toList();
  }

  @Override
  public List<String> getServices() {
    return List.copyOf(registry.services());
  }

  /** Fails when the registry cannot be reached (Spring Cloud's discovery health calls it). */
  @Override
  public void probe() {
    registry.services();
  }
}
