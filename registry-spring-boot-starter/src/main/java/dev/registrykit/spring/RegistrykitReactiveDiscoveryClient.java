package dev.registrykit.spring;

import java.util.Objects;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.discovery.ReactiveDiscoveryClient;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Schedulers;

/**
 * Spring Cloud's {@link ReactiveDiscoveryClient} on the same caches as the blocking one. The first
 * request of a service lists it on etcd, so requests run on Reactor's bounded-elastic scheduler,
 * never on an event loop.
 */
final class RegistrykitReactiveDiscoveryClient implements ReactiveDiscoveryClient {

  private final RegistrykitDiscoveryClient blocking;

  /** A reactive view of {@code blocking}. */
  RegistrykitReactiveDiscoveryClient(RegistrykitDiscoveryClient blocking) {
    this.blocking = Objects.requireNonNull(blocking, "blocking must not be null");
  }

  @Override
  public String description() {
    return "registrykit ReactiveDiscoveryClient";
  }

  @Override
  public Flux<ServiceInstance> getInstances(String serviceId) {
    return Flux.defer(() -> Flux.fromIterable(blocking.getInstances(serviceId))).subscribeOn(Schedulers.boundedElastic());
  }

  @Override
  public Flux<String> getServices() {
    return Flux.defer(() -> Flux.fromIterable(blocking.getServices())).subscribeOn(Schedulers.boundedElastic());
  }
}
