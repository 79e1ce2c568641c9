package dev.registrykit.junit;

import dev.registrykit.CacheState;
import dev.registrykit.ServiceCache;
import dev.registrykit.ServiceInstance;
import java.util.List;
import org.assertj.core.api.AbstractAssert;

/** Assertions on a {@link ServiceCache}; start from {@link RegistryAssertions#assertThat(ServiceCache)}. */
public final class ServiceCacheAssert extends AbstractAssert<ServiceCacheAssert, ServiceCache> {

  ServiceCacheAssert(ServiceCache actual) {
    super(actual, ServiceCacheAssert.class);
  }

  /** The cache holds exactly {@code expected}, in this order (instance id order). */
  public ServiceCacheAssert hasInstances(ServiceInstance... expected) {
    isNotNull();
    List<ServiceInstance> instances = actual.instances();
    if (!instances.equals(List.of(expected))) {
      failWithMessage("Expecting the cache of %s to hold %s but it held %s%n(%s)", actual.serviceName(),
          Describe.ids(List.of(expected)), Describe.ids(instances), actual);
    }
    return this;
  }

  /** The cache holds no instance. */
  public ServiceCacheAssert isEmpty() {
    return hasInstances();
  }

  /** The cache is {@link CacheState#CURRENT}. */
  public ServiceCacheAssert isCurrent() {
    return hasState(CacheState.CURRENT);
  }

  /** The cache is {@link CacheState#STALE}. */
  public ServiceCacheAssert isStale() {
    return hasState(CacheState.STALE);
  }

  /** The cache is in {@code expected}. */
  public ServiceCacheAssert hasState(CacheState expected) {
    isNotNull();
    CacheState state = actual.state();
    if (state != expected) {
      failWithMessage("Expecting the cache of %s to be %s but was %s", actual.serviceName(), expected, state);
    }
    return this;
  }
}
