package dev.registrykit.examples;

import dev.registrykit.Candidacy;
import dev.registrykit.CandidacyState;
import dev.registrykit.Registration;
import dev.registrykit.Registry;
import dev.registrykit.ServiceInstance;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The origin's example service, in plain Java: on start it registers itself with a lease kept
 * alive in the background and joins the election for its migrations; it runs the migration only
 * while it leads; it lists its peers; on close it resigns and deregisters.
 */
public final class OrderShippingService implements AutoCloseable {

  /** The service name, as in the origin. */
  public static final String SERVICE = "OrderShippingService";
  /** The election that decides who runs the migrations. */
  public static final String MIGRATIONS = "OrderShippingService-migrations";

  private final Registry registry;
  private final ServiceInstance instance;
  private final Registration registration;
  private final Candidacy candidacy;
  private final List<Long> migrationsRun = new CopyOnWriteArrayList<>();

  private OrderShippingService(Registry registry, ServiceInstance instance, Duration ttl, Consumer<String> log) {
    this.registry = registry;
    this.instance = instance;
    this.registration = registry.register(instance, ttl);
    this.candidacy = registry.election(MIGRATIONS).campaign(instance.instanceId(), ttl);
    candidacy.addListener((c, from, to) -> {
      if (to == CandidacyState.LEADING) {
        migrate(log);
      }
    });
    migrate(log); // it may lead already
  }

  /**
   * Starts an instance: registers it on {@code registry} with {@code ttl} and campaigns.
   *
   * @param log where the service tells what it does
   */
  public static OrderShippingService start(Registry registry, String instanceId, String address, Duration ttl,
      Consumer<String> log) {
    Objects.requireNonNull(registry, "registry must not be null");
    return new OrderShippingService(registry, ServiceInstance.of(SERVICE, instanceId, address), ttl, log);
  }

  /** Runs the migration if this instance leads, once per leadership, guarded by its fencing token. */
  private synchronized void migrate(Consumer<String> log) {
    var token = candidacy.fencingToken();
    if (token.isEmpty() || migrationsRun.contains(token.getAsLong())) {
      return;
    }
    migrationsRun.add(token.getAsLong());
    log.accept(instance.instanceId() + " leads: runs the migration with fencing token " + token.getAsLong());
  }

  /** This instance. */
  public ServiceInstance instance() {
    return instance;
  }

  /** Its registration (for tests and the demo). */
  public Registration registration() {
    return registration;
  }

  /** Its candidacy in the migrations election (for tests and the demo). */
  public Candidacy candidacy() {
    return candidacy;
  }

  /** Whether this instance leads the migrations now. */
  public boolean isLeader() {
    return candidacy.isLeader();
  }

  /** The fencing tokens of the migrations this instance ran, in order. */
  public List<Long> migrationsRun() {
    return List.copyOf(migrationsRun);
  }

  /** The other instances of the service registered now. */
  public List<ServiceInstance> peers() {
    return registry.instances(SERVICE).stream().filter(i -> !i.instanceId().equals(instance.instanceId())).toList();
  }

  /** Resigns (the next instance leads at once) and deregisters (its key is deleted at once). */
  @Override
  public void close() {
    try {
      candidacy.close();
    } finally {
      registration.close();
    }
  }
}
