package dev.registrykit.spring;

import dev.registrykit.Registry;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.cloud.client.ConditionalOnBlockingDiscoveryEnabled;
import org.springframework.cloud.client.ConditionalOnDiscoveryEnabled;
import org.springframework.cloud.client.ConditionalOnReactiveDiscoveryEnabled;
import org.springframework.cloud.client.discovery.simple.SimpleDiscoveryClientAutoConfiguration;
import org.springframework.cloud.client.discovery.simple.reactive.SimpleReactiveDiscoveryClientAutoConfiguration;
import org.springframework.cloud.loadbalancer.cache.LoadBalancerCacheManager;
import org.springframework.cloud.loadbalancer.core.CachingServiceInstanceListSupplier;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Spring Cloud's {@code DiscoveryClient} (and {@code ReactiveDiscoveryClient} where Spring Cloud
 * turns reactive discovery on: WebClient on the classpath) on registrykit. Each service asked for gets a live {@code ServiceCache}: the
 * instances are read from memory, kept current by the registry's watch. Every change publishes
 * Spring Cloud's {@code HeartbeatEvent} (gateway routes and other listeners refresh on it) and drops
 * Spring Cloud LoadBalancer's cached list of that service, so the next call chooses among the
 * instances there are now, not those of up to 35 s ago. Off with {@code registrykit.discovery.enabled=false}
 * or {@code spring.cloud.discovery.enabled=false}.
 */
@AutoConfiguration(after = RegistrykitAutoConfiguration.class,
    before = {SimpleDiscoveryClientAutoConfiguration.class, SimpleReactiveDiscoveryClientAutoConfiguration.class})
@ConditionalOnDiscoveryEnabled
@ConditionalOnBooleanProperty(name = "registrykit.discovery.enabled", matchIfMissing = true)
@ConditionalOnBean(Registry.class)
public class RegistrykitDiscoveryAutoConfiguration {

  /** Creates the auto-configuration; Spring calls it. */
  public RegistrykitDiscoveryAutoConfiguration() {
  }

  /** The live caches behind both discovery clients; closed with the context. */
  @Bean(destroyMethod = "close")
  @ConditionalOnMissingBean
  ServiceCaches registrykitServiceCaches(Registry registry, ApplicationEventPublisher events,
      ObjectProvider<ServiceChangeListener> listeners) {
    List<Consumer<String>> changeListeners = listeners.orderedStream().<Consumer<String>>map(l -> l::serviceChanged).toList();
    return new ServiceCaches(registry, events, changeListeners);
  }

  /** The blocking discovery client. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnBlockingDiscoveryEnabled
  static class Blocking {
    @Bean
    @ConditionalOnMissingBean
    RegistrykitDiscoveryClient registrykitDiscoveryClient(Registry registry, ServiceCaches caches) {
      return new RegistrykitDiscoveryClient(registry, caches);
    }
  }

  /** The reactive discovery client, where Spring Cloud turns reactive discovery on (WebClient on the classpath). */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = "reactor.core.publisher.Flux")
  @ConditionalOnReactiveDiscoveryEnabled
  static class Reactive {
    @Bean
    @ConditionalOnMissingBean
    RegistrykitReactiveDiscoveryClient registrykitReactiveDiscoveryClient(Registry registry, ServiceCaches caches) {
      return new RegistrykitReactiveDiscoveryClient(new RegistrykitDiscoveryClient(registry, caches));
    }
  }

  /**
   * Drops Spring Cloud LoadBalancer's cached instances of a service when it changes. The cache
   * manager is looked up by type on the bean factory: Spring Cloud declares it as no default
   * candidate, so an {@code ObjectProvider} would not see it.
   */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = "org.springframework.cloud.loadbalancer.cache.LoadBalancerCacheManager")
  static class LoadBalancerCacheEviction {
    @Bean
    ServiceChangeListener registrykitLoadBalancerCacheEviction(ListableBeanFactory beans) {
      return serviceName -> beans.getBeansOfType(LoadBalancerCacheManager.class, false, false).values()
          .forEach(manager -> Optional.ofNullable(manager.getCache(CachingServiceInstanceListSupplier.SERVICE_INSTANCE_CACHE_NAME))
              .ifPresent(cache -> cache.evict(serviceName)));
    }
  }

  /** Told the name of each service whose instances changed, on the thread of the registry's events. */
  @FunctionalInterface
  public interface ServiceChangeListener {
    /** The instances of {@code serviceName} changed. */
    void serviceChanged(String serviceName);
  }
}
