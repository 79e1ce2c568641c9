package dev.registrykit.spring;

import dev.registrykit.ServiceInstance;
import java.net.URI;
import java.util.Map;
import java.util.Objects;

/**
 * A registrykit instance as Spring Cloud's {@link org.springframework.cloud.client.ServiceInstance}:
 * host, port and scheme from its address (port 80 or 443 when the address has none), {@code secure}
 * for {@code https}.
 *
 * @param instance the registrykit instance
 */
record RegistrykitServiceInstance(ServiceInstance instance)
    implements org.springframework.cloud.client.ServiceInstance {

  /** Checks the instance is there. */
  RegistrykitServiceInstance {
    Objects.requireNonNull(instance, "instance must not be null");
  }

  @Override
  public String getInstanceId() {
    return instance.instanceId();
  }

  @Override
  public String getServiceId() {
    return instance.serviceName();
  }

  @Override
  public String getHost() {
    return instance.address().getHost();
  }

  @Override
  public int getPort() {
    int port = instance.address().getPort();
    return port >= 0 ? port : isSecure() ? 443 : 80;
  }

  @Override
  public boolean isSecure() {
    return "https".equalsIgnoreCase(getScheme());
  }

  @Override
  public URI getUri() {
    return instance.address();
  }

  @Override
  public String getScheme() {
    return instance.address().getScheme();
  }

  @Override
  public Map<String, String> getMetadata() {
    return instance.metadata();
  }
}
