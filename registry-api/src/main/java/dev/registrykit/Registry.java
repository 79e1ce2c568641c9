package dev.registrykit;

import java.time.Duration;
import java.util.List;
import java.util.SortedSet;

/**
 * A service registry: instances register under {@code /services/{serviceName}/{instanceId}} with
 * a lease that is kept alive in the background, and vanish when they deregister (at once) or stop
 * heartbeating (when the lease runs out).
 *
 * <p>Two implementations ship with registrykit: {@code EtcdRegistry} (module {@code registry-etcd})
 * on a real etcd, and {@code FakeRegistry} (module {@code registry-fake}), in memory and driven by a
 * clock that tests advance.
 *
 * <pre>{@code
 * try (Registry registry = EtcdRegistry.builder().withEndpoints("http://localhost:2379").build();
 *      Registration me = registry.register(
 *          ServiceInstance.of("OrderShippingService", "i-1", "http://10.0.0.7:5000"))) {
 *   List<ServiceInstance> peers = registry.instances("OrderShippingService");
 *   try (Subscription watch = registry.watch("OrderShippingService", event -> log(event))) {
 *     serveUntilShutdown();
 *   }
 * } // closing deregisters: the key is deleted at once
 * }</pre>
 *
 * <p>Listings are sorted by service name, then by instance id, compared as strings: {@code orders}
 * before {@code orders-v2}, although etcd's key order puts {@code /services/orders-v2/…} first
 * ({@code -} sorts before {@code /}). Bad arguments fail at the call with {@link
 * NullPointerException} or {@link IllegalArgumentException}; an unreachable backend with {@link
 * RegistryUnavailableException}; a closed registry with {@link RegistryClosedException}.
 * Implementations are thread-safe.
 */
public interface Registry extends AutoCloseable {

  /** The TTL of the origin recipe, used by {@link #register(ServiceInstance)} unless configured. */
  Duration DEFAULT_TTL = Duration.ofSeconds(30);

  /**
   * Registers {@code instance} with a lease of {@code ttl} and keeps the lease alive until the
   * returned registration is closed. Registering an id that is already present replaces its value
   * (watchers see {@link RegistryEvent.Updated}); a registration of the same id that this registry
   * handed out earlier is then {@link RegistrationState#CLOSED} without deleting the key.
   *
   * @param instance the instance to register
   * @param ttl      the lease TTL, positive, whole seconds or more (etcd grants whole seconds, and
   *                 at least its minimum TTL)
   * @return the live registration
   * @throws NullPointerException         if an argument is null
   * @throws IllegalArgumentException     if {@code ttl} is not positive or not a whole number of seconds
   * @throws RegistryUnavailableException if the registry cannot be reached
   * @throws RegistryClosedException      if this registry was closed
   */
  Registration register(ServiceInstance instance, Duration ttl);

  /** Registers {@code instance} with {@link #defaultTtl()}; see {@link #register(ServiceInstance, Duration)}. */
  default Registration register(ServiceInstance instance) {
    return register(instance, defaultTtl());
  }

  /** The TTL {@link #register(ServiceInstance)} asks for; {@link #DEFAULT_TTL} unless configured. */
  default Duration defaultTtl() {
    return DEFAULT_TTL;
  }

  /**
   * The instances of one service now, ordered by instance id. Entries whose value is not a valid
   * instance are skipped (and reported), never thrown.
   *
   * @throws IllegalArgumentException     if {@code serviceName} is not a valid service name
   * @throws RegistryUnavailableException if the registry cannot be reached
   */
  List<ServiceInstance> instances(String serviceName);

  /** The names of the services that have at least one instance now, sorted as strings. */
  SortedSet<String> services();

  /**
   * Every instance of every service now, ordered by service name, then instance id (as strings, so
   * {@code orders/i-1} before {@code orders-v2/x}, unlike etcd's key order). Entries whose value is
   * not a valid instance are skipped (and reported), never thrown.
   *
   * @throws RegistryUnavailableException if the registry cannot be reached
   */
  List<ServiceInstance> allInstances();

  /**
   * Watches one service. The listener first receives an {@link RegistryEvent.Added} for each
   * instance present when the watch starts (in revision order), then every change after that, with
   * nothing missed or repeated in between.
   *
   * @return a subscription; close it to stop the watch
   */
  Subscription watch(String serviceName, RegistryListener listener);

  /** Watches every service; otherwise as {@link #watch(String, RegistryListener)}. */
  Subscription watchAll(RegistryListener listener);

  /**
   * A live cache of {@code serviceName}'s instances with the default settings (round-robin, no
   * filter, a 30 s down period): {@code ServiceCache.builder(this, serviceName).build()}. Close it
   * when done.
   *
   * @throws IllegalArgumentException     if {@code serviceName} is not a valid service name
   * @throws RegistryUnavailableException if the registry cannot be reached
   * @see ServiceCache#builder(Registry, String)
   */
  default ServiceCache cache(String serviceName) {
    return ServiceCache.builder(this, serviceName).build();
  }

  /**
   * The leader election called {@code name} (1 to 128 characters of {@code [A-Za-z0-9._-]}), shared
   * by every candidate that names it on this registry's store.
   */
  Election election(String name);

  /**
   * Closes every registration (deregistering its instance) and every subscription this registry
   * handed out, then releases its resources. Idempotent.
   */
  @Override
  void close();
}
