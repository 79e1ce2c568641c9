package dev.registrykit.etcd.internal;

import dev.registrykit.Candidacy;
import dev.registrykit.Registration;
import dev.registrykit.etcd.EtcdRegistry;
import java.util.Objects;
import java.util.function.Function;

/**
 * What a test may do to an {@link EtcdRegistry} beyond its API: crash a registration or a candidacy
 * (keep-alive stops, nothing is deleted or revoked, as when the process is killed) and read a
 * registration's lease id. For registrykit's test toolkit (the module exports this package only to
 * {@code dev.registrykit.junit}) and registrykit's own tests; not API.
 */
public final class EtcdTestAccess {

  /** How to read a registry's context, given by {@code EtcdRegistry} when its class is initialised. */
  private static volatile Function<EtcdRegistry, RegistryContext> contexts;

  private EtcdTestAccess() {
  }

  /**
   * Called once, by {@code EtcdRegistry}'s class initialiser, with the way to its private context.
   *
   * @throws IllegalStateException if called again
   */
  public static synchronized void install(Function<EtcdRegistry, RegistryContext> contextOf) {
    if (contexts != null) {
      throw new IllegalStateException("EtcdTestAccess is installed by EtcdRegistry alone, once");
    }
    contexts = Objects.requireNonNull(contextOf, "contextOf must not be null");
  }

  /**
   * Stops {@code registration}'s keep-alive without deleting its key or revoking its lease, as a
   * killed process would; the instance disappears when the lease expires, and the registration turns
   * {@code LOST} then (it is not recovered).
   *
   * @throws IllegalArgumentException if {@code registration} did not come from {@code registry}
   */
  public static void crash(EtcdRegistry registry, Registration registration) {
    own(registry, registration, "crash").crash();
  }

  /**
   * Makes {@code candidacy}'s process die without resigning: keep-alive stops, its key stays until its
   * lease runs out, then the next candidate leads.
   *
   * @throws IllegalArgumentException if {@code candidacy} did not come from {@code registry}
   */
  public static void crash(EtcdRegistry registry, Candidacy candidacy) {
    Objects.requireNonNull(candidacy, "candidacy must not be null");
    if (!(candidacy instanceof EtcdCandidacy own) || !own.belongsTo(contextOf(registry))) {
      throw new IllegalArgumentException("crash needs a candidacy of this EtcdRegistry but was: " + candidacy);
    }
    own.crash();
  }

  /** The lease id etcd granted {@code registration} now (it changes when the registration is recovered). */
  public static long leaseId(EtcdRegistry registry, Registration registration) {
    return own(registry, registration, "leaseId").leaseId();
  }

  private static EtcdRegistration own(EtcdRegistry registry, Registration registration, String operation) {
    Objects.requireNonNull(registration, "registration must not be null");
    if (registration instanceof EtcdRegistration own && own.belongsTo(contextOf(registry))) {
      return own;
    }
    throw new IllegalArgumentException(
        operation + " needs a registration of this EtcdRegistry but was: " + registration);
  }

  private static RegistryContext contextOf(EtcdRegistry registry) {
    return contexts.apply(Objects.requireNonNull(registry, "registry must not be null"));
  }
}
