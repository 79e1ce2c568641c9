package dev.registrykit.junit.etcd.internal;

import dev.registrykit.junit.internal.Settings;
import dev.registrykit.junit.internal.Annotations;
import dev.registrykit.junit.internal.InjectingExtension;
import dev.registrykit.InvalidEntry;
import dev.registrykit.Recovery;
import dev.registrykit.Registry;
import dev.registrykit.etcd.EtcdRegistry;
import dev.registrykit.junit.etcd.EtcdHandle;
import dev.registrykit.junit.EtcdLifecycle;
import dev.registrykit.junit.EtcdRegistryTest;
import dev.registrykit.junit.BackendControls;
import dev.registrykit.junit.RegistryTime;
import dev.registrykit.junit.TimeScale;
import io.etcd.jetcd.Client;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.UUID;
import java.util.function.IntFunction;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * The extension behind {@link EtcdRegistryTest}. Holds nothing in fields: the etcd lives in the
 * root, class or method store (by lifecycle) and each test's handle and registry in the store of the
 * context that asked for them, so JUnit closes them, the registry before its etcd.
 */
public final class EtcdRegistryExtension extends InjectingExtension implements ExecutionCondition {

  private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(EtcdRegistryExtension.class);
  private static final List<Class<?>> SUPPORTED =
      List.of(Registry.class, EtcdRegistry.class, EtcdHandle.class, Client.class, RegistryTime.class, BackendControls.class);

  /**
   * Short enough that a test of an outage does not wait long for each failing call; multiplied by
   * {@code registrykit.time.scale} on slow machines, as {@code RegistryTime}'s waits are.
   */
  private static final Duration CALL_TIMEOUT = Duration.ofSeconds(2);

  /** Creates the extension (JUnit does). */
  EtcdRegistryExtension() {
    this("@EtcdRegistryTest");
  }

  /** For {@code annotation}, which messages name. */
  EtcdRegistryExtension(String annotation) {
    super(annotation, SUPPORTED);
  }

  /**
   * What one test (or one {@code @BeforeAll}) sees of its etcd: a handle, and a registry in a fresh
   * namespace made on first use. JUnit closes it with the store of that context; closing restores
   * etcd if the test left it paused, stopped or killed, then closes the registry while etcd still
   * answers, so its registrations are deregistered.
   */
  @SuppressWarnings("deprecation")
  private static final class TestScope implements AutoCloseable, ExtensionContext.Store.CloseableResource {
    private final StoredEtcd etcd;
    private final GuardedEtcdHandle handle;
    private TestRegistry registry;

    TestScope(StoredEtcd etcd, EtcdLifecycle lifecycle) {
      this.etcd = etcd;
      this.handle = new GuardedEtcdHandle(etcd, lifecycle);
    }

    synchronized TestRegistry registry() {
      if (registry == null) {
        registry = newRegistry(etcd, handle);
      }
      return registry;
    }

    @Override
    public void close() {
      try {
        etcd.server().restore();
      } catch (RuntimeException e) {
        throw new IllegalStateException("could not bring back " + etcd + " after the test left it paused, stopped "
            + "or killed: " + e.getMessage(), e);
      } finally {
        TestRegistry made;
        synchronized (this) {
          made = registry;
        }
        if (made != null) {
          made.close();
        }
      }
    }
  }

  /**
   * The test's registry, on a client of its own that reaches etcd through proxies the test can cut
   * ({@link BackendControls#makeUnavailable()}), while the raw client goes to etcd directly.
   */
  private record TestRegistry(EtcdRegistry registry, StoredEtcd etcd, StoredEtcd.Connection connection,
      RegistryTime time, EtcdBackendControls controls) {

    /**
     * Heals a cut the test left behind, so the registry deregisters; then closes the registry and the
     * registry the controls made for another program, if any, and gives the connection back.
     */
    void close() {
      connection.proxies.forEach(CuttableProxy::restore);
      try {
        registry.close();
      } finally {
        try {
          controls.close();
        } finally {
          etcd.giveBack(connection);
        }
      }
    }
  }

  // ------------------------------------------------------------------------------ condition

  @Override
  public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
    if (context.getTestMethod().isPresent() && onClasses(context)) {
      return ConditionEvaluationResult.enabled("decided for the class");
    }
    members(context); // a bad number fails the class before any etcd starts
    String image = image(context);
    EtcdSources.Choice choice = choice(context, image);
    if (choice.starter().isPresent()) {
      return ConditionEvaluationResult.enabled("etcd runs as: " + choice.source());
    }
    if (Settings.required()) {
      return ConditionEvaluationResult.enabled("etcd is required, so the tests fail: " + choice.reason());
    }
    return ConditionEvaluationResult.disabled(choice.skipMessage());
  }

  /** True where {@link EtcdRegistryTest} is on the class, whose condition then decided; not for {@code @RegistryTest}. */
  private static boolean onClasses(ExtensionContext context) {
    return context.getTestClass().filter(type -> AnnotationSupport.isAnnotated(type, EtcdRegistryTest.class)).isPresent();
  }

  private static EtcdSources.Choice choice(ExtensionContext context, String image) {
    return context.getRoot().getStore(NAMESPACE)
        .getOrComputeIfAbsent("choice:" + image, key -> EtcdSources.choose(image), EtcdSources.Choice.class);
  }

  // ------------------------------------------------------------------------------ failures

  /** A call that ran out of time says which setting to raise on a loaded machine ({@link LoadHints}). */
  @Override
  protected Throwable explain(Throwable failure) {
    return LoadHints.explain(failure);
  }

  // ------------------------------------------------------------------------------ injection

  @Override
  protected Object resolve(Class<?> type, ExtensionContext context) {
    // The etcd first, so that when it shares a store with the scope (PER_METHOD; PER_CLASS in
    // @BeforeAll) it was put there before and JUnit closes it after the scope.
    StoredEtcd etcd = etcd(context);
    if (type == Client.class) {
      return etcd.client();
    }
    TestScope scope = context.getStore(NAMESPACE)
        .getOrComputeIfAbsent("scope", key -> new TestScope(etcd, lifecycle(context)), TestScope.class);
    if (type == EtcdHandle.class) {
      return scope.handle;
    }
    TestRegistry registry = scope.registry();
    if (type == RegistryTime.class) {
      return registry.time();
    }
    return type == BackendControls.class ? registry.controls() : registry.registry();
  }

  private static TestRegistry newRegistry(StoredEtcd etcd, GuardedEtcdHandle handle) {
    String namespace = "/registrykit-test/" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
    StoredEtcd.Connection connection = etcd.takeConnection();
    Duration callTimeout = TimeScale.scaled(CALL_TIMEOUT);
    List<InvalidEntry> invalidEntries = new CopyOnWriteArrayList<>();
    EtcdRegistry registry = EtcdRegistry.builder()
        .withClient(connection.client)
        .withNamespace(namespace)
        .withRecovery(Recovery.withBackoff(Duration.ofMillis(50), Duration.ofSeconds(1)))
        .withCallTimeout(callTimeout)
        .withInvalidEntryListener(invalidEntries::add)
        .build();
    return new TestRegistry(registry, etcd, connection, new EtcdRegistryTime(registry, Settings.timeScale()),
        new EtcdBackendControls(registry, handle, connection.proxies, callTimeout, invalidEntries));
  }

  private StoredEtcd etcd(ExtensionContext context) {
    String image = image(context);
    int members = members(context);
    EtcdLifecycle lifecycle = lifecycle(context);
    ExtensionContext owner = switch (lifecycle) {
      case PER_RUN -> context.getRoot();
      case PER_CLASS -> classContext(context);
      case PER_METHOD -> {
        if (context.getTestMethod().isEmpty()) {
          throw new ExtensionConfigurationException("@EtcdRegistryTest(lifecycle = PER_METHOD) gives each test "
              + "method its own etcd, so it cannot inject into @BeforeAll methods or constructors of "
              + context.getRequiredTestClass().getSimpleName() + "; use PER_CLASS for that");
        }
        yield context;
      }
    };
    // The lifecycle is part of the key: a store also answers with its parents' values, so without it
    // a PER_CLASS class run after a PER_RUN one was handed the shared etcd, and its fault controls hit
    // every class sharing it (seen when classes run in parallel). A @Nested class still finds the etcd
    // of an enclosing class with the same lifecycle.
    return owner.getStore(NAMESPACE).getOrComputeIfAbsent("etcd:" + lifecycle + ":" + image + ":" + members,
        key -> start(context, image, members, lifecycle), StoredEtcd.class);
  }

  private static StoredEtcd start(ExtensionContext context, String image, int members, EtcdLifecycle lifecycle) {
    EtcdSources.Choice choice = choice(context, image);
    IntFunction<Etcd> starter = choice.starter()
        .orElseThrow(() -> new IllegalStateException(choice.failureMessage()));
    // The run's one-member etcd is what JVMs can share; an etcd of a class or method is its own to break.
    boolean shared = lifecycle == EtcdLifecycle.PER_RUN && members == 1 && choice.source().equals("container")
        && Settings.sharedByMachine();
    return new StoredEtcd(shared ? SharedContainer.join(image) : starter.apply(members));
  }

  private static ExtensionContext classContext(ExtensionContext context) {
    ExtensionContext current = context;
    while (current.getTestMethod().isPresent() && current.getParent().isPresent()) {
      current = current.getParent().get();
    }
    return current;
  }

  private static EtcdLifecycle lifecycle(ExtensionContext context) {
    return Annotations.find(context, EtcdRegistryTest.class).map(EtcdRegistryTest::lifecycle).orElse(EtcdLifecycle.PER_RUN);
  }

  private static int members(ExtensionContext context) {
    int members = Annotations.find(context, EtcdRegistryTest.class).map(EtcdRegistryTest::members).orElse(1);
    if (members != 1 && members != 3 && members != 5) {
      throw new ExtensionConfigurationException("@EtcdRegistryTest(members) must be 1, 3 or 5 but was: " + members);
    }
    return members;
  }

  private static String image(ExtensionContext context) {
    return Annotations.find(context, EtcdRegistryTest.class)
        .map(EtcdRegistryTest::image)
        .filter(image -> !image.isBlank())
        .or(() -> Settings.get(Settings.IMAGE))
        .orElse(EtcdRegistryTest.DEFAULT_IMAGE);
  }
}
