package dev.registrykit.etcd;

import static java.lang.System.Logger.Level.WARNING;

import dev.registrykit.Election;
import dev.registrykit.InvalidEntry;
import dev.registrykit.InvalidEntryListener;
import dev.registrykit.Recovery;
import dev.registrykit.Registration;
import dev.registrykit.Registry;
import dev.registrykit.RegistryClosedException;
import dev.registrykit.RegistryListener;
import dev.registrykit.RegistryUnavailableException;
import dev.registrykit.ServiceInstance;
import dev.registrykit.Subscription;
import dev.registrykit.etcd.internal.Calls;
import dev.registrykit.etcd.internal.Connectivity;
import dev.registrykit.etcd.internal.EtcdElection;
import dev.registrykit.etcd.internal.EtcdRegistration;
import dev.registrykit.etcd.internal.EtcdTestAccess;
import dev.registrykit.etcd.internal.EtcdWatch;
import dev.registrykit.etcd.internal.InvalidEntryReports;
import dev.registrykit.etcd.internal.RateLimitedLog;
import dev.registrykit.etcd.internal.RegistryContext;
import dev.registrykit.etcd.internal.TlsProbe;
import dev.registrykit.internal.CloseOrder;
import dev.registrykit.internal.InstanceCodec;
import dev.registrykit.internal.LiveRegistrations;
import dev.registrykit.internal.Validation;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.ClientBuilder;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.options.GetOption;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLException;

/**
 * The {@link Registry} on a real etcd, through jetcd-core, in the origin recipe's format: key
 * {@code /services/{serviceName}/{instanceId}}, value {@code {"Id":…,"Name":…,"Address":…}}, one
 * lease per instance, kept alive every TTL/3, deleted on deregistration.
 *
 * <pre>{@code
 * try (EtcdRegistry registry = EtcdRegistry.builder().withEndpoints("http://localhost:2379").build();
 *      Registration me = registry.register(ServiceInstance.of("orders", "i-1", "http://10.0.0.7:5000"))) {
 *   registry.instances("orders").forEach(System.out::println);
 * }
 * }</pre>
 *
 * <p>Keep-alive, recovery and watches run on two threads of the registry's own (a scheduler and
 * one that calls listeners, one call at a time, in order) plus jetcd's. When keep-alive has failed
 * for longer than the granted TTL, or etcd answers that the lease is gone, the registration turns
 * {@link dev.registrykit.RegistrationState#LOST LOST}; with {@link Recovery} on (the default) it is
 * registered again with a new lease as soon as etcd answers, and turns {@code ACTIVE}. Watches list,
 * then watch from the listed revision + 1, skip what a reconnected stream repeats, and after a
 * compaction or a broken stream list again and emit the differences.
 *
 * <p>{@link Builder#build()} does not contact etcd: the first call does. Every blocking call is bounded by
 * the call timeout (5 s by default); a call that etcd does not answer in time, or that cannot reach
 * it, throws {@link dev.registrykit.RegistryUnavailableException}.
 */
public final class EtcdRegistry implements Registry {

  private static final System.Logger LOG = System.getLogger(EtcdRegistry.class.getName());
  private static final AtomicInteger INSTANCES = new AtomicInteger();
  private static final String HAS_LEADER = "hasleader";

  private final RegistryContext context;
  private final boolean ownsClient;
  private final LiveRegistrations<EtcdRegistration> registrations = new LiveRegistrations<>();
  private final Set<EtcdWatch> watches = ConcurrentHashMap.newKeySet();
  private final java.util.Map<String, EtcdElection> elections = new ConcurrentHashMap<>();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final Object registerLock = new Object();

  private EtcdRegistry(Builder builder, Client client, boolean ownsClient) {
    this.ownsClient = ownsClient;
    int id = INSTANCES.incrementAndGet();
    ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(
        daemon("registrykit-etcd-" + id + "-scheduler"));
    ExecutorService events = Executors.newSingleThreadExecutor(daemon("registrykit-etcd-" + id + "-events"));
    InvalidEntryListener invalid = builder.invalidEntryListener;
    RateLimitedLog invalidLog = new RateLimitedLog(LOG, Duration.ofSeconds(10));
    InvalidEntryListener reporting = entry -> {
      invalidLog.warn("skipping {} (not a registrykit instance): {}", entry.key(), entry.reason());
      try {
        invalid.invalidEntry(entry);
      } catch (RuntimeException e) {
        LOG.log(WARNING, "invalid-entry listener failed", e);
      }
    };
    Connectivity connectivity = new Connectivity(client, scheduler);
    TlsProbe probe = builder.client == null ? new TlsProbe(builder.endpoints, java.util.Optional.ofNullable(builder.tls)) : null;
    this.context = new RegistryContext(client, builder.namespace, builder.defaultTtl, builder.callTimeout,
        builder.recovery, new InvalidEntryReports(reporting), scheduler, events,
        new Calls(builder.callTimeout, builder.describeEndpoints(), builder.namespace, connectivity::retrying,
            () -> probe == null || connectivity.connected() ? java.util.Optional.empty() : probe.problem()), connectivity,
        new RateLimitedLog.PerMessage(System.getLogger(EtcdRegistration.class.getName()), Duration.ofSeconds(10)),
        builder.valueFormat);
    EtcdTestAccess.record(this, context);
  }

  /** A builder; at least the endpoints or a client must be given. */
  public static Builder builder() {
    return new Builder();
  }

  /** The key root of this registry, {@code /services} by default. */
  public String namespace() {
    return context.namespace();
  }

  @Override
  public Duration defaultTtl() {
    return context.defaultTtl();
  }

  @Override
  public Registration register(ServiceInstance instance, Duration ttl) {
    Objects.requireNonNull(instance, "instance must not be null");
    Validation.requireTtl(ttl);
    checkOpen("register");
    synchronized (registerLock) {
      EtcdRegistration registration = EtcdRegistration.register(context, instance, ttl, this::forget);
      // a replaced registration's key now belongs to the new lease; revoking the old one deletes nothing
      registrations.add(registration.key(), registration).ifPresent(EtcdRegistration::retire);
      if (closed.get()) {
        registration.close();
        throw new RegistryClosedException("register refused: this EtcdRegistry is closed");
      }
      return registration;
    }
  }

  @Override
  public List<ServiceInstance> instances(String serviceName) {
    Validation.requireServiceName(serviceName);
    checkOpen("instances");
    // key order is not id order for keys outside the id alphabet (127.0.0.1:1 is the id 127.0.0.1%3A1)
    List<ServiceInstance> result = list(InstanceCodec.servicePrefix(namespace(), serviceName), "instances");
    result.sort(InstanceCodec.LISTING_ORDER);
    return Collections.unmodifiableList(result);
  }

  @Override
  public SortedSet<String> services() {
    checkOpen("services");
    SortedSet<String> names = new TreeSet<>();
    for (ServiceInstance instance : list(InstanceCodec.namespacePrefix(namespace()), "services")) {
      names.add(instance.serviceName());
    }
    return Collections.unmodifiableSortedSet(names);
  }

  /**
   * Every instance now, by service name, then id, as {@link Registry#allInstances()} promises: sorted
   * after reading, since etcd returns the keys of a service whose name extends another's with {@code
   * -} or {@code .} (which sort before {@code /}) first, {@code orders-v2/…} before {@code orders/…}.
   */
  @Override
  public List<ServiceInstance> allInstances() {
    checkOpen("allInstances");
    List<ServiceInstance> result = list(InstanceCodec.namespacePrefix(namespace()), "allInstances");
    result.sort(InstanceCodec.LISTING_ORDER);
    return Collections.unmodifiableList(result);
  }

  private List<ServiceInstance> list(String prefix, String operation) {
    ByteSequence key = ByteSequence.from(prefix, StandardCharsets.UTF_8);
    GetResponse response = context.calls().call(() ->
        context.client().getKVClient().get(key, GetOption.builder().isPrefix(true).build()),
        operation + " (get " + prefix + "*)", prefix);
    List<ServiceInstance> result = new ArrayList<>(response.getKvs().size());
    for (KeyValue kv : response.getKvs()) {
      context.decode(kv).ifPresent(result::add);
    }
    context.listed(prefix, response.getKvs());
    return result;
  }

  @Override
  public Subscription watch(String serviceName, RegistryListener listener) {
    Validation.requireServiceName(serviceName);
    return startWatch(InstanceCodec.servicePrefix(namespace(), serviceName), listener, "watch");
  }

  @Override
  public Subscription watchAll(RegistryListener listener) {
    return startWatch(InstanceCodec.namespacePrefix(namespace()), listener, "watchAll");
  }

  private Subscription startWatch(String prefix, RegistryListener listener, String operation) {
    Validation.requireNonNull(listener, "listener");
    checkOpen(operation);
    EtcdWatch watch = EtcdWatch.start(context, prefix, listener, watches::remove);
    watches.add(watch);
    if (closed.get()) {
      watch.close();
      throw new RegistryClosedException(operation + " refused: this EtcdRegistry is closed");
    }
    return watch;
  }

  @Override
  public Election election(String name) {
    Validation.requireName("name", name);
    checkOpen("election");
    return elections.computeIfAbsent(name, n -> new EtcdElection(context, n));
  }

  /**
   * Closes every watch first, so that none hears of what closing does (or of anything later), then
   * deregisters every registration (deleting its key), closes every election, stops the registry's
   * threads and, unless the client was given by the caller, closes the jetcd client. Idempotent.
   * Failures to reach etcd are logged, not thrown: once one deregistration finds etcd unavailable, the
   * remaining registrations are closed without waiting for etcd (their leases are revoked in the
   * background if etcd answers), so that closing takes about one call timeout, not one per
   * registration; the keys then vanish when their leases run out.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    CloseOrder.close(this::closeWatches, this::closeRegistrations, this::closeElections, this::stopThreads);
  }

  private void closeWatches() {
    for (EtcdWatch watch : List.copyOf(watches)) {
      watch.close();
    }
  }

  private void closeRegistrations() {
    boolean reachable = true;
    for (EtcdRegistration registration : registrations.oldestFirst()) {
      if (!reachable) {
        registration.retire(); // one call timeout for the whole close, not one per registration
        continue;
      }
      try {
        registration.close();
      } catch (RegistryUnavailableException e) {
        reachable = false;
        LOG.log(WARNING, "could not deregister " + registration.key() + " while closing (" + e.getMessage()
            + "); the keys of this and the registry's other registrations vanish when their leases run out");
      } catch (RuntimeException e) {
        LOG.log(WARNING, "could not deregister " + registration.key() + " while closing: " + e.getMessage());
      }
    }
  }

  private void closeElections() {
    for (EtcdElection election : elections.values()) {
      election.close();
    }
  }

  private void stopThreads() {
    context.keepAlives().close();
    context.scheduler().shutdownNow();
    context.events().shutdown();
    try {
      if (!context.scheduler().awaitTermination(context.callTimeout().toMillis(), TimeUnit.MILLISECONDS)
          || !context.events().awaitTermination(context.callTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
        LOG.log(WARNING, "registry threads did not stop within " + context.callTimeout());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      context.events().shutdownNow();
    }
    if (ownsClient) {
      context.client().close();
    }
  }

  private void forget(EtcdRegistration registration) {
    registrations.forget(registration.key(), registration);
  }

  private void checkOpen(String operation) {
    if (closed.get()) {
      throw new RegistryClosedException(operation + " refused: this EtcdRegistry is closed");
    }
  }

  private static java.util.concurrent.ThreadFactory daemon(String name) {
    return runnable -> {
      Thread thread = new Thread(runnable, name);
      thread.setDaemon(true);
      return thread;
    };
  }

  @Override
  public String toString() {
    return "EtcdRegistry[" + context.calls().endpoints() + namespace() + "]";
  }

  /** Builds an {@link EtcdRegistry}; {@link #build()} validates. */
  public static final class Builder {
    private final List<URI> endpoints = new ArrayList<>();
    private Client client;
    private String namespace = "/services";
    private Duration defaultTtl = Registry.DEFAULT_TTL;
    private Duration callTimeout = Duration.ofSeconds(5);
    private String user;
    private String password;
    private Tls tls;
    private Recovery recovery = Recovery.defaults();
    private InvalidEntryListener invalidEntryListener = entry -> { };
    private InstanceCodec.Format valueFormat = InstanceCodec.Format.ORIGIN;

    private Builder() {
    }

    /**
     * Every registration also writes {@code "Addr":"host:port"} beside the origin's properties, so that
     * Go programs on etcd's {@code naming/endpoints} (and its {@code etcd:///} gRPC resolver) find our
     * instances: {@code {"Id":…,"Name":…,"Address":"http://10.0.0.7:5000","Addr":"10.0.0.7:5000"}}. The
     * port is the {@code grpc.port} metadata entry when there is one, else the address's; an address
     * without a port (and no {@code grpc.port}) gets no {@code Addr}. Readers ignore it (our own and
     * the origin's). Off by default.
     */
    public Builder withGoNamingAddr() {
      this.valueFormat = InstanceCodec.Format.WITH_GO_ADDR;
      return this;
    }

    /**
     * The etcd endpoints, such as {@code http://localhost:2379} (the origin's connection string);
     * several for a cluster.
     *
     * @throws IllegalArgumentException if an endpoint is not an http(s) URI with host and port
     */
    public Builder withEndpoints(String... endpoints) {
      Objects.requireNonNull(endpoints, "endpoints must not be null");
      List<URI> parsed = new ArrayList<>();
      for (String endpoint : endpoints) {
        parsed.add(parseEndpoint(endpoint));
      }
      return withEndpoints(parsed);
    }

    /** The etcd endpoints; see {@link #withEndpoints(String...)}. */
    public Builder withEndpoints(List<URI> endpoints) {
      Objects.requireNonNull(endpoints, "endpoints must not be null");
      for (URI endpoint : endpoints) {
        parseEndpoint(endpoint == null ? null : endpoint.toString());
      }
      this.endpoints.clear();
      this.endpoints.addAll(endpoints);
      return this;
    }

    /**
     * Uses a jetcd client the caller owns: the registry never closes it. Excludes endpoints, auth
     * and TLS, which belong to the client. For a cluster, build it with {@code
     * .header("hasleader", "true").retryDelay(20).retryMaxDelay(200)}, as the registry's own client
     * is: a member cut off from its peers then refuses calls at once and they are retried on another
     * member soon, instead of waiting for the call timeout.
     */
    public Builder withClient(Client client) {
      this.client = Objects.requireNonNull(client, "client must not be null");
      return this;
    }

    /** The key root, {@code /services} by default (the origin's). */
    public Builder withNamespace(String namespace) {
      this.namespace = Validation.requireNamespace(namespace);
      return this;
    }

    /** The TTL of {@link Registry#register(ServiceInstance)}, 30 s by default. */
    public Builder withDefaultTtl(Duration ttl) {
      this.defaultTtl = Validation.requireWholeSeconds(ttl, "defaultTtl");
      return this;
    }

    /** The timeout of every blocking call, 5 s by default. */
    public Builder withCallTimeout(Duration timeout) {
      Objects.requireNonNull(timeout, "callTimeout must not be null");
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("callTimeout must be positive but was: " + timeout);
      }
      this.callTimeout = timeout;
      return this;
    }

    /** Authenticates with etcd's user/password auth. */
    public Builder withAuth(String user, String password) {
      this.user = Objects.requireNonNull(user, "user must not be null");
      this.password = Objects.requireNonNull(password, "password must not be null");
      if (user.isBlank()) {
        throw new IllegalArgumentException("user must not be blank");
      }
      return this;
    }

    /**
     * Talks TLS to etcd; every endpoint must then be {@code https://} ({@link #build()} refuses
     * {@code http://} ones, and {@code https://} ones without TLS).
     */
    public Builder withTls(Tls tls) {
      this.tls = Objects.requireNonNull(tls, "tls must not be null");
      return this;
    }

    /** What happens to lost registrations; {@link Recovery#defaults()} unless set. */
    public Builder withRecovery(Recovery recovery) {
      this.recovery = Objects.requireNonNull(recovery, "recovery must not be null");
      return this;
    }

    /**
     * Told about entries skipped because their value is not an instance (they are logged too), once per
     * key and modification revision however often they are listed or watched.
     */
    public Builder withInvalidEntryListener(InvalidEntryListener listener) {
      this.invalidEntryListener = Validation.requireNonNull(listener, "invalidEntryListener");
      return this;
    }

    /**
     * Validates the settings and builds the registry (without contacting etcd).
     *
     * @throws IllegalStateException if neither or both of endpoints and client were given, or the
     *                               endpoints' schemes do not match {@link #withTls(Tls)}: all
     *                               {@code https://} with it, all {@code http://} without
     */
    public EtcdRegistry build() {
      if (client != null) {
        if (!endpoints.isEmpty() || user != null || tls != null) {
          throw new IllegalStateException("withClient excludes withEndpoints, withAuth and withTls "
              + "(configure those on the client) but endpoints " + endpoints
              + (user != null ? ", auth" : "") + (tls != null ? ", tls" : "") + " were given too");
        }
        return new EtcdRegistry(this, client, false);
      }
      if (endpoints.isEmpty()) {
        throw new IllegalStateException(
            "no etcd to talk to: call withEndpoints(\"http://localhost:2379\") or withClient(client)");
      }
      requireSchemesMatchTls();
      // "hasleader": a member cut off from its peers refuses at once ("no leader") instead of leaving
      // the call unanswered, so the call is retried on another member within the call timeout.
      // jetcd's own retries (of a refused call, or one with an expired auth token) pause 500 ms at
      // first by default, a third of a 1.5 s call attempt: pause 20 ms, so they try another member soon.
      ClientBuilder jetcd = Client.builder().endpoints(endpoints.toArray(URI[]::new)).connectTimeout(callTimeout)
          .header(HAS_LEADER, "true").retryDelay(20).retryMaxDelay(200).retryChronoUnit(ChronoUnit.MILLIS);
      if (user != null) {
        jetcd.user(ByteSequence.from(user, StandardCharsets.UTF_8))
            .password(ByteSequence.from(password, StandardCharsets.UTF_8));
      }
      if (tls != null) {
        try {
          jetcd.sslContext(ssl -> {
            ssl.trustManager(tls.caFile().toFile());
            tls.clientCertificateFile().ifPresent(
                cert -> ssl.keyManager(cert.toFile(), tls.clientKeyFile().orElseThrow().toFile()));
          });
        } catch (SSLException | IllegalArgumentException e) { // netty: IllegalArgumentException for a file that is no PEM
          throw new IllegalArgumentException("tls could not be set up from " + tls + ": " + e.getMessage(), e);
        }
      }
      return new EtcdRegistry(this, jetcd.build(), true);
    }

    /**
     * jetcd talks TLS to every endpoint when given an SSL context and plain text otherwise, whatever
     * the scheme says: endpoints must all be https:// with TLS, all http:// without.
     */
    private void requireSchemesMatchTls() {
      List<URI> http = endpoints.stream().filter(uri -> "http".equals(uri.getScheme())).toList();
      List<URI> https = endpoints.stream().filter(uri -> "https".equals(uri.getScheme())).toList();
      if (!http.isEmpty() && !https.isEmpty()) {
        throw new IllegalStateException("endpoints must all be https:// (with withTls) or all http:// (without) "
            + "but were mixed: " + endpoints + "; etcd listens on one scheme, so write them all alike");
      }
      if (tls != null && !http.isEmpty()) {
        throw new IllegalStateException("withTls needs https:// endpoints but was given: " + http.get(0)
            + "; write " + withScheme(http.get(0), "https") + ", or drop withTls to talk plain http");
      }
      if (tls == null && !https.isEmpty()) {
        throw new IllegalStateException("https:// endpoints need withTls(Tls.trusting(caFile)) but none was given "
            + "for: " + https.get(0) + "; add it, or write " + withScheme(https.get(0), "http")
            + " if etcd does not use TLS");
      }
    }

    private static String withScheme(URI uri, String scheme) {
      return scheme + uri.toString().substring(uri.getScheme().length());
    }

    String describeEndpoints() {
      return client != null ? "the given client" : endpoints.toString();
    }

    private static URI parseEndpoint(String endpoint) {
      if (endpoint == null) {
        throw new NullPointerException("endpoint must not be null");
      }
      try {
        URI uri = new URI(endpoint);
        if (("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
            && uri.getHost() != null && uri.getPort() > 0) {
          return uri;
        }
      } catch (URISyntaxException e) {
        // reported below
      }
      throw new IllegalArgumentException(
          "endpoint must be an http(s) URI with host and port, such as http://localhost:2379, but was: \""
              + endpoint + "\"");
    }
  }
}
