package dev.registrykit.junit;

import dev.registrykit.Registry;
import dev.registrykit.ServiceInstance;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.assertj.core.api.AbstractAssert;

/** Assertions on what a {@link Registry} lists now; start from {@link RegistryAssertions#assertThat(Registry)}. */
public final class RegistryAssert extends AbstractAssert<RegistryAssert, Registry> {

  RegistryAssert(Registry actual) {
    super(actual, RegistryAssert.class);
  }

  /** The registry lists exactly {@code expected} (same service, id, address and metadata). */
  public RegistryAssert hasInstance(ServiceInstance expected) {
    isNotNull();
    Objects.requireNonNull(expected, "expected instance must not be null");
    List<ServiceInstance> listed = actual.instances(expected.serviceName());
    if (listed.contains(expected)) {
      return this;
    }
    Optional<ServiceInstance> sameId = find(listed, expected);
    if (sameId.isPresent()) {
      failWithMessage("Expecting registry to have instance %s as %s but it was registered as %s",
          Describe.instance(expected), expected, sameId.get());
    }
    failWithMessage("Expecting registry to have instance %s but found in %s: %s",
        Describe.instance(expected), expected.serviceName(), Describe.ids(listed));
    return this;
  }

  /** The registry lists no instance with {@code expected}'s service and id. */
  public RegistryAssert doesNotHaveInstance(ServiceInstance expected) {
    isNotNull();
    Objects.requireNonNull(expected, "expected instance must not be null");
    Optional<ServiceInstance> found = find(actual.instances(expected.serviceName()), expected);
    if (found.isPresent()) {
      failWithMessage("Expecting registry not to have instance %s but it was registered: %s",
          Describe.instance(expected), found.get());
    }
    return this;
  }

  /** The registry lists exactly {@code count} instances of {@code serviceName}. */
  public RegistryAssert hasInstances(String serviceName, int count) {
    isNotNull();
    List<ServiceInstance> listed = actual.instances(serviceName);
    if (listed.size() != count) {
      failWithMessage("Expecting registry to have %s instance(s) of %s but found %s: %s",
          count, serviceName, listed.size(), Describe.ids(listed));
    }
    return this;
  }

  private static Optional<ServiceInstance> find(List<ServiceInstance> listed, ServiceInstance expected) {
    return listed.stream().filter(i -> i.instanceId().equals(expected.instanceId())).findFirst();
  }
}
