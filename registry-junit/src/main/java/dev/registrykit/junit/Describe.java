package dev.registrykit.junit;

import dev.registrykit.RegistryEvent;
import dev.registrykit.ServiceInstance;
import java.util.List;
import java.util.stream.Collectors;

/** Short texts for failure messages: {@code orders/i-1}, {@code Added orders/i-1@12}. */
final class Describe {

  private Describe() {
  }

  static String instance(ServiceInstance instance) {
    return instance.serviceName() + "/" + instance.instanceId();
  }

  static String event(RegistryEvent event) {
    return event.getClass().getSimpleName() + " " + instance(event.instance()) + "@" + event.revision();
  }

  static String events(List<RegistryEvent> events) {
    return events.stream().map(Describe::event).collect(Collectors.joining(", ", "[", "]"));
  }

  static String ids(List<ServiceInstance> instances) {
    return instances.stream().map(ServiceInstance::instanceId).collect(Collectors.joining(", ", "[", "]"));
  }
}
