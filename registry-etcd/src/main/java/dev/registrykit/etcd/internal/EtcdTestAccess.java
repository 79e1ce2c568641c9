package dev.registrykit.etcd.internal;

import dev.registrykit.Candidacy;
import dev.registrykit.Registration;
import dev.registrykit.Registry;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.WeakHashMap;

/**
 * What a test may do to an {@code EtcdRegistry} beyond its API: crash a registration or a candidacy
 * (keep-alive stops, nothing is deleted or revoked, as when the process is killed) and read a
 * registration's lease id. For registrykit's test toolkit (the module exports this package only to
 * {@code dev.registrykit.junit.etcd}) and registrykit's own tests; not API. It knows the registries
 * by the context each records when it is made, so this package imports nothing of {@code
 * dev.registrykit.etcd}.
 */
public final class EtcdTestAccess {

  /** Each registry's context, recorded by its constructor; weakly, so a registry no longer used goes. */
  private static final Map<Registry, RegistryContext> CONTEXTS = Collections.synchronizedMap(new WeakHashMap<>());

  private EtcdTestAccess() {
  }

  /** Called by {@code EtcdRegistry}'s constructor alone, with its private context. */
  public static void record(Registry registry, RegistryContext context) {
    CONTEXTS.put(Objects.requireNonNull(registry, "registry must not be null"),
        Objects.requireNonNull(context, "context must not be null"));
  }

  /**
   * Stops {@code registration}'s keep-alive without deleting its key or revoking its lease, as a
   * killed process would; the instance disappears when the lease expires, and the registration turns
   * {@code LOST} then (it is not recovered).
   *
   * @throws IllegalArgumentException if {@code registration} did not come from {@code registry}
   */
  public static void crash(Registry registry, Registration registration) {
    own(registry, registration, "crash").crash();
  }

  /**
   * Makes {@code candidacy}'s process die without resigning: keep-alive stops, its key stays until its
   * lease runs out, then the next candidate leads.
   *
   * @throws IllegalArgumentException if {@code candidacy} did not come from {@code registry}
   */
  public static void crash(Registry registry, Candidacy candidacy) {
    Objects.requireNonNull(candidacy, "candidacy must not be null");
    if (!(candidacy instanceof EtcdCandidacy own) || !own.belongsTo(contextOf(registry))) {
      throw new IllegalArgumentException("crash needs a candidacy of this EtcdRegistry but was: " + candidacy);
    }
    own.crash();
  }

  /** The lease id etcd granted {@code registration} now (it changes when the registration is recovered). */
  public static long leaseId(Registry registry, Registration registration) {
    return own(registry, registration, "leaseId").leaseId();
  }

  private static EtcdRegistration own(Registry registry, Registration registration, String operation) {
    Objects.requireNonNull(registration, "registration must not be null");
    if (registration instanceof EtcdRegistration own && own.belongsTo(contextOf(registry))) {
      return own;
    }
    throw new IllegalArgumentException(
        operation + " needs a registration of this EtcdRegistry but was: " + registration);
  }

  private static RegistryContext contextOf(Registry registry) {
    RegistryContext context = CONTEXTS.get(Objects.requireNonNull(registry, "registry must not be null"));
    if (context == null) {
      throw new IllegalArgumentException("not an EtcdRegistry: " + registry);
    }
    return context;
  }
}
