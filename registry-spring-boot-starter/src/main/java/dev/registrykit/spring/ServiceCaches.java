package dev.registrykit.spring;

import static java.lang.System.Logger.Level.WARNING;

import dev.registrykit.CacheChange;
import dev.registrykit.CacheState;
import dev.registrykit.Registry;
import dev.registrykit.RegistryException;
import dev.registrykit.ServiceCache;
import dev.registrykit.ServiceInstance;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.springframework.cloud.client.discovery.event.HeartbeatEvent;
import org.springframework.context.ApplicationEventPublisher;

/**
 * One live {@link ServiceCache} per service the application asks about, made on the first request
 * and kept (following the registry's watch) until the context closes. Every change of one publishes
 * a {@link HeartbeatEvent} whose value counts the changes, and tells the change listeners which
 * service changed (the LoadBalancer's cache of that service is dropped there).
 */
final class ServiceCaches implements AutoCloseable {

  private static final System.Logger LOG = System.getLogger(ServiceCaches.class.getName());

  private final Registry registry;
  private final ApplicationEventPublisher events;
  private final List<Consumer<String>> changeListeners;
  private final Map<String, ServiceCache> caches = new ConcurrentHashMap<>();
  private final AtomicLong changes = new AtomicLong();
  private final AtomicBoolean closed = new AtomicBoolean();

  /**
   * Caches on {@code registry}; changes are published to {@code events} and passed to {@code
   * changeListeners} with the service's name.
   */
  ServiceCaches(Registry registry, ApplicationEventPublisher events, List<Consumer<String>> changeListeners) {
    this.registry = Objects.requireNonNull(registry, "registry must not be null");
    this.events = Objects.requireNonNull(events, "events must not be null");
    this.changeListeners = List.copyOf(changeListeners);
  }

  /**
   * The instances of {@code serviceName} now, from its cache (made and filled on the first call);
   * empty for a name that no registrykit service can have, or when the registry cannot be reached
   * for the first listing (logged; the next call tries again).
   */
  List<ServiceInstance> instances(String serviceName) {
    return cache(serviceName).map(ServiceCache::instances).orElse(List.of());
  }

  private Optional<ServiceCache> cache(String serviceName) {
    if (serviceName == null || !serviceName.matches(ServiceInstance.NAME_PATTERN) || closed.get()) {
      return Optional.empty();
    }
    ServiceCache existing = caches.get(serviceName);
    if (existing != null) {
      return Optional.of(existing);
    }
    try {
      return Optional.of(caches.computeIfAbsent(serviceName, this::start));
    } catch (RegistryException e) {
      LOG.log(WARNING, "no instances of " + serviceName + " for now: " + e.getMessage());
      return Optional.empty();
    }
  }

  private ServiceCache start(String serviceName) {
    ServiceCache cache = ServiceCache.builder(registry, serviceName).build();
    cache.addListener(change -> changed(serviceName, change));
    return cache;
  }

  private void changed(String serviceName, CacheChange change) {
    for (Consumer<String> listener : changeListeners) {
      try {
        listener.accept(serviceName);
      } catch (RuntimeException e) {
        LOG.log(WARNING, "listener of changes to " + serviceName + " failed", e);
      }
    }
    events.publishEvent(new HeartbeatEvent(this, changes.incrementAndGet()));
  }

  /** The state of each service's cache, by service name. */
  Map<String, CacheState> states() {
    Map<String, CacheState> states = new TreeMap<>();
    caches.forEach((name, cache) -> states.put(name, cache.state()));
    return states;
  }

  /** Closes every cache; later requests answer empty. Idempotent. */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      caches.values().forEach(ServiceCache::close);
      caches.clear();
    }
  }
}
