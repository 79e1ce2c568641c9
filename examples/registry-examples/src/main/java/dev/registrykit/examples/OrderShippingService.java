package dev.registrykit.examples;

import dev.registrykit.Candidacy;
import dev.registrykit.CandidacyState;
import dev.registrykit.Registration;
import dev.registrykit.Registry;
import dev.registrykit.ServiceInstance;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * The origin's example service, in plain Java: on start it registers itself with a lease kept
 * alive in the background and joins the election for its migrations; it lists its peers; on close
 * it resigns and deregisters.
 *
 * <p><b>The migration job runs only while this instance leads.</b> It starts when the candidacy
 * turns {@code LEADING} and stops when it turns {@code LOST} or resigns. It migrates, batch by
 * batch, what the shared {@link MigrationLog} lacks, recording each batch there with the fencing
 * token of its leadership; the log refuses a token lower than one it has seen. So a new leader
 * resumes where the last one stopped, and a leader deposed while a batch was under way (it may not
 * know it yet) cannot overwrite its successor's work: the token, not the job's belief, decides.
 *
 * <pre>{@code
 * try (OrderShippingService service = OrderShippingService.builder()
 *     .withRegistry(registry)
 *     .withInstanceId("i-1")
 *     .withAddress("http://10.0.0.7:5000")
 *     .withMigrationLog(log)
 *     .start()) {
 *   ...
 * }
 * }</pre>
 */
public final class OrderShippingService implements AutoCloseable {

  /** The service name, as in the origin. */
  public static final String SERVICE = "OrderShippingService";
  /** The election that decides who runs the migrations. */
  public static final String MIGRATIONS = "OrderShippingService-migrations";
  /** The lease TTL when none is given. */
  public static final Duration DEFAULT_TTL = Duration.ofSeconds(10);

  private final Registry registry;
  private final ServiceInstance instance;
  private final Registration registration;
  private final Candidacy candidacy;
  private final MigrationLog migrationLog;
  private final Migration migration;
  private final Executor executor;
  private final ExecutorService ownExecutor;
  private final Consumer<String> events;
  private final AtomicBoolean closed = new AtomicBoolean();
  private MigrationJob job; // guarded by this

  private OrderShippingService(Builder builder, Registration registration, Candidacy candidacy) {
    this.registry = builder.registry;
    this.instance = registration.instance();
    this.registration = registration;
    this.candidacy = candidacy;
    this.migrationLog = builder.migrationLog;
    this.migration = builder.migration;
    this.events = builder.events;
    this.ownExecutor = builder.executor == null ? Executors.newSingleThreadExecutor(runnable -> {
      Thread thread = new Thread(runnable, "order-shipping-migration-" + instance.instanceId());
      thread.setDaemon(true);
      return thread;
    }) : null;
    this.executor = builder.executor == null ? ownExecutor : builder.executor;
  }

  /** A builder; {@link Builder#start()} registers and campaigns. */
  public static Builder builder() {
    return new Builder();
  }

  private static OrderShippingService start(Builder builder) {
    ServiceInstance instance = ServiceInstance.of(SERVICE, builder.instanceId, builder.address);
    Registration registration = builder.registry.register(instance, builder.ttl);
    Candidacy candidacy = null;
    OrderShippingService service = null;
    try {
      candidacy = builder.registry.election(MIGRATIONS).campaign(instance.instanceId(), builder.ttl);
      service = new OrderShippingService(builder, registration, candidacy);
      OrderShippingService started = service;
      candidacy.addListener((c, from, to) -> started.leadershipChanged(to));
      service.leadershipChanged(candidacy.state()); // it may lead already
      return service;
    } catch (RuntimeException | Error e) {
      // Undo what was started, so that a failed start leaves no registration, candidacy or thread behind.
      if (service != null) {
        closeAfterFailure(service, e);
      } else {
        closeAfterFailure(candidacy, e);
        closeAfterFailure(registration, e);
      }
      throw e;
    }
  }

  private static void closeAfterFailure(AutoCloseable started, Throwable failure) {
    if (started == null) {
      return;
    }
    try {
      started.close();
    } catch (Exception e) {
      failure.addSuppressed(e);
    }
  }

  /** Starts the job on LEADING, stops it on LOST or RESIGNED. Never concurrently for one candidacy. */
  private void leadershipChanged(CandidacyState state) {
    MigrationJob started = null;
    synchronized (this) {
      if (state == CandidacyState.LEADING && !closed.get()) {
        var token = candidacy.fencingToken();
        if (token.isPresent() && (job == null || job.token != token.getAsLong())) {
          stopJob("a new leadership");
          job = new MigrationJob(token.getAsLong());
          started = job;
        }
      } else if (state == CandidacyState.LOST || state == CandidacyState.RESIGNED) {
        stopJob("its candidacy is " + state);
      }
    }
    if (started != null) { // outside the lock: a direct executor runs the whole job here
      events.accept(instance.instanceId() + " leads (fencing token " + started.token + "): starts the migration job");
      started.dispatch();
    }
  }

  private synchronized void stopJob(String why) {
    if (job != null && job.stop()) {
      events.accept(instance.instanceId() + " stops the migration job: " + why);
    }
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

  /** Whether its migration job runs now: started as leader, neither stopped nor finished. */
  public synchronized boolean isMigrating() {
    return job != null && job.running;
  }

  /** The other instances of the service registered now. */
  public List<ServiceInstance> peers() {
    return registry.instances(SERVICE).stream().filter(i -> !i.instanceId().equals(instance.instanceId())).toList();
  }

  /**
   * Stops the migration job (waiting up to 5 s for a batch under way, if the job runs on the
   * service's own thread), resigns (the next instance leads at once) and deregisters (its key is
   * deleted at once). Idempotent.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    stopJob("the service shuts down");
    try {
      if (ownExecutor != null) {
        ownExecutor.shutdownNow();
        awaitTermination(ownExecutor);
      }
    } finally {
      try {
        candidacy.close();
      } finally {
        registration.close();
      }
    }
  }

  private static void awaitTermination(ExecutorService executor) {
    try {
      executor.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** One leadership's migration: a batch per task on the executor, until done or stopped. */
  private final class MigrationJob {
    final long token;
    volatile boolean running = true;

    MigrationJob(long token) {
      this.token = token;
    }

    /** Whether this call stopped it (false if it had stopped or finished already). */
    boolean stop() {
      boolean was = running;
      running = false;
      return was;
    }

    void dispatch() {
      try {
        executor.execute(this::step);
      } catch (RejectedExecutionException e) {
        if (stop()) {
          events.accept(instance.instanceId() + " cannot run the migration job: " + e.getMessage());
        }
      }
    }

    /**
     * Migrates the next batch. Whether the job still runs is checked before a batch starts, not
     * between its work and its write: a batch under way when leadership is lost still tries its
     * write, and the log accepts it only if no newer leader has written.
     */
    private void step() {
      if (!running) {
        return;
      }
      String id = instance.instanceId();
      OptionalInt next = migrationLog.nextBatch();
      if (next.isEmpty()) {
        events.accept(id + " finds the migration complete");
        running = false;
        return;
      }
      int batch = next.getAsInt();
      try {
        migration.migrateBatch(batch);
        migrationLog.record(token, batch, id);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        if (stop()) {
          events.accept(id + " stops the migration job: interrupted in batch " + batch);
        }
        return;
      } catch (StaleFencingTokenException e) {
        running = false;
        events.accept(id + "'s write of batch " + batch + " was refused: " + e.getMessage());
        return;
      } catch (RuntimeException e) {
        running = false;
        events.accept(id + "'s migration failed in batch " + batch + ": " + e);
        return;
      }
      events.accept(id + " migrated batch " + batch + " of " + migrationLog.batches() + " (fencing token " + token + ")");
      dispatch();
    }
  }

  /**
   * Builds and starts an {@link OrderShippingService}. Registry, instance id, address and migration
   * log are required.
   */
  public static final class Builder {
    private Registry registry;
    private String instanceId;
    private String address;
    private Duration ttl = DEFAULT_TTL;
    private MigrationLog migrationLog;
    private Migration migration = Migration.NONE;
    private Executor executor;
    private Consumer<String> events = message -> { };

    private Builder() {
    }

    /** The registry to register on and campaign in. Required. */
    public Builder withRegistry(Registry registry) {
      this.registry = Objects.requireNonNull(registry, "registry must not be null");
      return this;
    }

    /** This instance's id, such as {@code i-1}. Required. */
    public Builder withInstanceId(String instanceId) {
      this.instanceId = Objects.requireNonNull(instanceId, "instanceId must not be null");
      return this;
    }

    /** Where this instance is reached, such as {@code http://10.0.0.7:5000}. Required. */
    public Builder withAddress(String address) {
      this.address = Objects.requireNonNull(address, "address must not be null");
      return this;
    }

    /** The TTL of its registration and candidacy leases, whole seconds; {@link #DEFAULT_TTL} by default. */
    public Builder withTtl(Duration ttl) {
      this.ttl = Objects.requireNonNull(ttl, "ttl must not be null");
      return this;
    }

    /** The log the migration records its batches in, shared by every instance. Required. */
    public Builder withMigrationLog(MigrationLog migrationLog) {
      this.migrationLog = Objects.requireNonNull(migrationLog, "migrationLog must not be null");
      return this;
    }

    /** The work of each batch; {@link Migration#NONE} by default. */
    public Builder withMigration(Migration migration) {
      this.migration = Objects.requireNonNull(migration, "migration must not be null");
      return this;
    }

    /**
     * Where the migration job runs, a task per batch; by default a thread of the service's own,
     * stopped on close. A given executor is the caller's to shut down.
     */
    public Builder withExecutor(Executor executor) {
      this.executor = Objects.requireNonNull(executor, "executor must not be null");
      return this;
    }

    /** Hears what the service does, one sentence at a time, from the service's threads; nothing by default. */
    public Builder withEvents(Consumer<String> events) {
      this.events = Objects.requireNonNull(events, "events must not be null");
      return this;
    }

    /**
     * Registers the instance, joins the migrations election, and starts the migration job if it
     * leads. If any step fails, what was started is closed before the failure is thrown.
     *
     * @throws IllegalStateException if a required setting is missing
     */
    public OrderShippingService start() {
      require(registry, "registry", "withRegistry(registry)");
      require(instanceId, "instanceId", "withInstanceId(\"i-1\")");
      require(address, "address", "withAddress(\"http://10.0.0.7:5000\")");
      require(migrationLog, "migrationLog", "withMigrationLog(MigrationLog.ofBatches(3))");
      return OrderShippingService.start(this);
    }

    private static void require(Object value, String name, String fix) {
      if (value == null) {
        throw new IllegalStateException(name + " must be set before start(), such as " + fix + ", but was not");
      }
    }
  }
}
