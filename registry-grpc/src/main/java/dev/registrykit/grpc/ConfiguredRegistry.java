package dev.registrykit.grpc;

import dev.registrykit.Registry;
import dev.registrykit.etcd.EtcdRegistry;
import java.util.Arrays;
import java.util.function.UnaryOperator;

/**
 * The etcd of the configuration ({@code registrykit.endpoints} / {@code REGISTRYKIT_ENDPOINTS},
 * {@code registrykit.namespace} / {@code REGISTRYKIT_NAMESPACE}), opened for the first resolver and
 * closed when the last one releases it. Needs {@code registry-etcd} on the class path, which is an
 * optional dependency: without it {@link #acquire()} says so.
 */
final class ConfiguredRegistry implements RegistrySource {

  private static final String DEFAULT_ENDPOINTS = "http://localhost:2379";
  private static final String DEFAULT_NAMESPACE = "/services";

  private final UnaryOperator<String> properties;
  private final UnaryOperator<String> environment;
  private Registry registry; // guarded by this
  private int users; // guarded by this

  /** From the system properties and the environment. */
  ConfiguredRegistry() {
    this(System::getProperty, System::getenv);
  }

  ConfiguredRegistry(UnaryOperator<String> properties, UnaryOperator<String> environment) {
    this.properties = properties;
    this.environment = environment;
  }

  @Override
  public synchronized Registry acquire() {
    if (registry == null) {
      registry = open();
    }
    users++;
    return registry;
  }

  @Override
  public void release() {
    Registry closing;
    synchronized (this) {
      if (users == 0 || --users > 0) {
        return;
      }
      closing = registry;
      registry = null;
    }
    closing.close();
  }

  private Registry open() {
    String endpoints = setting("registrykit.endpoints", "REGISTRYKIT_ENDPOINTS", DEFAULT_ENDPOINTS);
    String namespace = setting("registrykit.namespace", "REGISTRYKIT_NAMESPACE", DEFAULT_NAMESPACE);
    try {
      return Etcd.open(Arrays.stream(endpoints.split(",")).map(String::trim).toArray(String[]::new), namespace);
    } catch (NoClassDefFoundError e) {
      throw new IllegalStateException("registrykit:/// targets without a registry need registry-etcd on the class "
          + "path (to connect to " + endpoints + "); or register "
          + "RegistrykitNameResolverProvider.forRegistry(registry) with NameResolverRegistry", e);
    }
  }

  private String setting(String property, String variable, String fallback) {
    String value = properties.apply(property);
    if (value == null || value.isBlank()) {
      value = environment.apply(variable);
    }
    return value == null || value.isBlank() ? fallback : value.trim();
  }

  @Override
  public synchronized String toString() {
    return registry != null ? registry.toString() : "the etcd of registrykit.endpoints / REGISTRYKIT_ENDPOINTS";
  }

  /** Loaded only when a registry is opened, so that the class path may lack registry-etcd otherwise. */
  private static final class Etcd {
    static Registry open(String[] endpoints, String namespace) {
      return EtcdRegistry.builder().withEndpoints(endpoints).withNamespace(namespace).build();
    }
  }
}
