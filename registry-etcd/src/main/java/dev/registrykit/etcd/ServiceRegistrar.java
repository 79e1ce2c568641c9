package dev.registrykit.etcd;

import static java.lang.System.Logger.Level.INFO;
import static java.lang.System.Logger.Level.WARNING;

import dev.registrykit.Registration;
import dev.registrykit.Registry;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Registers an application on start, keeps its lease alive, and deregisters it on {@link #close()}
 * or when the JVM shuts down, as the origin recipe does on ApplicationStopped.
 *
 * <pre>{@code
 * RegistrationConfig config = RegistrationConfig.fromEnvironment();
 * try (ServiceRegistrar registrar = ServiceRegistrar.start(config)) {
 *   server.awaitTermination();
 * }
 * }</pre>
 */
public final class ServiceRegistrar implements AutoCloseable {

  private static final System.Logger LOG = System.getLogger(ServiceRegistrar.class.getName());

  private final EtcdRegistry registry;
  private final Registration registration;
  private final Thread shutdownHook;
  /**
   * How long a second {@link #close()} (such as the shutdown hook's) waits for one in progress:
   * deregistering (a lease revoke) and stopping the registry's two threads are each bounded by the
   * default call timeout of 5 s.
   */
  static final Duration CLOSE_WAIT = Duration.ofSeconds(15);

  private final AtomicBoolean closed = new AtomicBoolean();
  private final CountDownLatch done = new CountDownLatch(1);

  private ServiceRegistrar(EtcdRegistry registry, Registration registration) {
    this.registry = registry;
    this.registration = registration;
    this.shutdownHook = new Thread(this::closeQuietly, "registrykit-deregister-" + registration.instance().instanceId());
  }

  /**
   * Connects (with {@code config}'s auth and TLS, if any), registers {@code config}'s instance and installs a shutdown hook that deregisters it.
   *
   * @throws dev.registrykit.RegistryUnavailableException if etcd cannot be reached
   */
  public static ServiceRegistrar start(RegistrationConfig config) {
    Objects.requireNonNull(config, "config must not be null");
    EtcdRegistry registry = config.connection().builder().withDefaultTtl(config.ttl()).build();
    try {
      ServiceRegistrar registrar = new ServiceRegistrar(registry, registry.register(config.instance(), config.ttl()));
      Runtime.getRuntime().addShutdownHook(registrar.shutdownHook);
      LOG.log(INFO, "registered " + registrar.registration.instance().serviceName() + "/"
          + registrar.registration.instance().instanceId() + " at " + config.endpoints() + " with a "
          + registrar.registration.ttl() + " lease");
      return registrar;
    } catch (RuntimeException e) {
      registry.close();
      throw e;
    }
  }

  /** The registry this registrar connected, to list or watch the other instances. */
  public Registry registry() {
    return registry;
  }

  /** This application's registration. */
  public Registration registration() {
    return registration;
  }

  /**
   * Deregisters (the key is deleted at once), disconnects, then removes the shutdown hook. Idempotent:
   * a call while another thread closes (the application's own shutdown racing the hook, for one)
   * returns once that close has finished, or after {@link #CLOSE_WAIT}.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      awaitClosed();
      return;
    }
    try {
      registration.close();
    } finally {
      try {
        registry.close();
      } finally {
        done.countDown();
        // Only now: had the hook gone first, a SIGTERM arriving meanwhile would find no hook to wait
        // for this close, and the JVM would stop half-way through the delete.
        removeShutdownHook();
      }
    }
  }

  private void removeShutdownHook() {
    if (Thread.currentThread() == shutdownHook) {
      return;
    }
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException e) {
      // the JVM is shutting down; the hook finds this registrar closed and returns
    }
  }

  /** Waits for the close in progress on another thread: a shutdown hook must not let the JVM stop under it. */
  private void awaitClosed() {
    try {
      if (!done.await(CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
        LOG.log(WARNING, "gave up waiting " + CLOSE_WAIT + " for the deregistration in progress");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void closeQuietly() {
    try {
      close();
    } catch (RuntimeException e) {
      LOG.log(WARNING, "could not deregister on shutdown; the key vanishes when its lease runs out: " + e.getMessage());
    }
  }
}
