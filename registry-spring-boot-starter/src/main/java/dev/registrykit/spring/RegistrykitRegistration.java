package dev.registrykit.spring;

import dev.registrykit.Registration;
import dev.registrykit.ServiceInstance;
import java.net.URI;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * This application as Spring Cloud sees it ({@link org.springframework.cloud.client.serviceregistry.Registration}),
 * and the registrykit {@link Registration} it holds while registered. The port is known once the
 * web server is up; the service registry then registers it.
 *
 * <p>Tests on the fake registry crash an application through its handle:
 * {@code fake.crash(context.getBean(RegistrykitRegistration.class).handle().orElseThrow())}.
 */
public final class RegistrykitRegistration implements org.springframework.cloud.client.serviceregistry.Registration {

  private final String serviceId;
  private final String instanceId;
  private final String host;
  private final String scheme;
  private final URI fixedAddress;
  private final Map<String, String> metadata;
  private volatile int port;
  private final AtomicReference<Registration> handle = new AtomicReference<>();

  /**
   * A registration of {@code serviceId}/{@code instanceId}: at {@code fixedAddress} if given, else at
   * {@code scheme://host:port} once the port is set.
   *
   * @throws IllegalArgumentException if a value is not valid for a {@link ServiceInstance}
   */
  public RegistrykitRegistration(String serviceId, String instanceId, String host, String scheme,
      Optional<URI> fixedAddress, Map<String, String> metadata) {
    this.serviceId = Objects.requireNonNull(serviceId, "serviceId must not be null");
    this.instanceId = Objects.requireNonNull(instanceId, "instanceId must not be null");
    this.host = Objects.requireNonNull(host, "host must not be null");
    this.scheme = Objects.requireNonNull(scheme, "scheme must not be null");
    this.fixedAddress = fixedAddress.orElse(null);
    this.metadata = Map.copyOf(metadata);
    this.port = this.fixedAddress == null ? 0 : this.fixedAddress.getPort();
    ServiceInstance.builder().withServiceName(serviceId).withInstanceId(instanceId) // fail now, not at registration
        .withAddress(this.fixedAddress != null ? this.fixedAddress : URI.create(scheme + "://" + uriHost())).build();
  }

  /** Sets the port when the web server is up (unless an address was given); 0 means not yet known. */
  public void setPortIfNeeded(int webServerPort) {
    if (fixedAddress == null && port <= 0) {
      port = webServerPort;
    }
  }

  /** The instance to register: the address given, or {@code scheme://host:port}. */
  public ServiceInstance toServiceInstance() {
    ServiceInstance.Builder builder = ServiceInstance.builder().withServiceName(serviceId).withInstanceId(instanceId)
        .withAddress(getUri());
    metadata.forEach(builder::withMetadata);
    return builder.build();
  }

  /** The registrykit registration while registered; empty before and after. */
  public Optional<Registration> handle() {
    return Optional.ofNullable(handle.get());
  }

  /** Records the live registration; returns the one it replaces, if any. */
  Optional<Registration> attach(Registration registration) {
    return Optional.ofNullable(handle.getAndSet(registration));
  }

  /** Forgets the live registration and returns it, if any. */
  Optional<Registration> detach() {
    return Optional.ofNullable(handle.getAndSet(null));
  }

  @Override
  public String getInstanceId() {
    return instanceId;
  }

  @Override
  public String getServiceId() {
    return serviceId;
  }

  @Override
  public String getHost() {
    return fixedAddress != null ? fixedAddress.getHost() : host;
  }

  @Override
  public int getPort() {
    return port;
  }

  @Override
  public boolean isSecure() {
    return "https".equalsIgnoreCase(getScheme());
  }

  @Override
  public String getScheme() {
    return fixedAddress != null ? fixedAddress.getScheme() : scheme;
  }

  @Override
  public URI getUri() {
    if (fixedAddress != null) {
      return fixedAddress;
    }
    return URI.create(scheme + "://" + uriHost() + (port > 0 ? ":" + port : ""));
  }

  /** The host as a URI writes it: an IPv6 address in brackets. */
  private String uriHost() {
    return host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
  }

  @Override
  public Map<String, String> getMetadata() {
    return metadata;
  }

  @Override
  public String toString() {
    return "RegistrykitRegistration[" + serviceId + "/" + instanceId + " at " + getUri() + "]";
  }
}
