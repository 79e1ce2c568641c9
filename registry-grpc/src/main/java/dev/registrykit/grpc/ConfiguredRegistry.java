package dev.registrykit.grpc;

import dev.registrykit.Registry;
import dev.registrykit.etcd.internal.ConnectionSettings;
import java.util.function.UnaryOperator;

/**
 * The etcd of the configuration ({@code registrykit.endpoints} / {@code REGISTRYKIT_ENDPOINTS},
 * {@code registrykit.namespace} / {@code REGISTRYKIT_NAMESPACE}, and the call timeout, auth and TLS
 * settings {@code RegistrationConfig} documents: system property, else environment variable), opened for the first resolver and
 * closed when the last one releases it. Needs {@code registry-etcd} on the class path, which is an
 * optional dependency: without it {@link #acquire()} says so.
 */
final class ConfiguredRegistry implements RegistrySource {

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
    try {
      return Etcd.open(properties, environment);
    } catch (NoClassDefFoundError e) {
      throw new IllegalStateException("registrykit:/// targets without a registry need registry-etcd on the class "
          + "path (to connect to the etcd of registrykit.endpoints / REGISTRYKIT_ENDPOINTS); or register "
          + "RegistrykitNameResolverProvider.forRegistry(registry) with NameResolverRegistry", e);
    }
  }

  @Override
  public synchronized String toString() {
    return registry != null ? registry.toString() : "the etcd of registrykit.endpoints / REGISTRYKIT_ENDPOINTS";
  }

  /**
   * Loaded only when a registry is opened, so that the class path may lack registry-etcd otherwise:
   * the settings are read by registry-etcd's one reader, as {@code RegistrationConfig} reads them.
   */
  private static final class Etcd {
    static Registry open(UnaryOperator<String> properties, UnaryOperator<String> environment) {
      return ConnectionSettings.read(ConnectionSettings.propertyThenEnvironment(properties, environment),
          property -> property + " / " + ConnectionSettings.envName(property)).builder().build();
    }
  }
}
