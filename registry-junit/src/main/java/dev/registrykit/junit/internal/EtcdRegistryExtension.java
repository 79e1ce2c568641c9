package dev.registrykit.junit.internal;

import dev.registrykit.Registry;
import dev.registrykit.etcd.EtcdRegistry;
import dev.registrykit.etcd.Recovery;
import dev.registrykit.junit.EtcdHandle;
import dev.registrykit.junit.EtcdLifecycle;
import dev.registrykit.junit.EtcdRegistryTest;
import dev.registrykit.junit.RegistryBackend;
import dev.registrykit.junit.RegistryTime;
import io.etcd.jetcd.Client;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The extension behind {@link EtcdRegistryTest}. Holds nothing in fields: the etcd lives in the
 * root, class or method store (by lifecycle) and each test's registry in the store of the context
 * that asked for it, so JUnit closes them.
 */
public final class EtcdRegistryExtension extends InjectingExtension implements ExecutionCondition {

  private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(EtcdRegistryExtension.class);
  private static final List<Class<?>> SUPPORTED =
      List.of(Registry.class, EtcdRegistry.class, EtcdHandle.class, Client.class, RegistryTime.class, RegistryBackend.class);

  /** Short enough that a test of an outage does not wait long for each failing call. */
  private static final Duration CALL_TIMEOUT = Duration.ofSeconds(2);

  /** Creates the extension (JUnit does). */
  public EtcdRegistryExtension() {
    super("@EtcdRegistryTest", SUPPORTED);
  }

  /** One test's registry, closed by JUnit with the test's store. */
  @SuppressWarnings("deprecation")
  private record TestRegistry(EtcdRegistry registry, RegistryTime time, RegistryBackend backend)
      implements AutoCloseable, ExtensionContext.Store.CloseableResource {
    @Override
    public void close() {
      registry.close();
    }
  }

  // ------------------------------------------------------------------------------ condition

  @Override
  public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
    if (context.getTestMethod().isPresent()) {
      return ConditionEvaluationResult.enabled("decided for the class");
    }
    String image = image(context);
    EtcdBackends.Choice choice = choice(context, image);
    if (choice.starter().isPresent()) {
      return ConditionEvaluationResult.enabled("etcd runs as: " + choice.backend());
    }
    if (Settings.required()) {
      return ConditionEvaluationResult.enabled("etcd is required, so the tests fail: " + choice.reason());
    }
    return ConditionEvaluationResult.disabled(choice.reason());
  }

  private static EtcdBackends.Choice choice(ExtensionContext context, String image) {
    return context.getRoot().getStore(NAMESPACE)
        .getOrComputeIfAbsent("choice:" + image, key -> EtcdBackends.choose(image), EtcdBackends.Choice.class);
  }

  // ------------------------------------------------------------------------------ injection

  @Override
  Object resolve(Class<?> type, ExtensionContext context) {
    if (type == EtcdHandle.class) {
      return new DefaultEtcdHandle(etcd(context), lifecycle(context));
    }
    if (type == Client.class) {
      return etcd(context).client();
    }
    TestRegistry registry = context.getStore(NAMESPACE)
        .getOrComputeIfAbsent("registry", key -> newRegistry(context), TestRegistry.class);
    if (type == RegistryTime.class) {
      return registry.time();
    }
    return type == RegistryBackend.class ? registry.backend() : registry.registry();
  }

  private TestRegistry newRegistry(ExtensionContext context) {
    EtcdResource etcd = etcd(context);
    String namespace = "/registrykit-test/" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
    EtcdRegistry registry = EtcdRegistry.builder()
        .withClient(etcd.client())
        .withNamespace(namespace)
        .withRecovery(Recovery.withBackoff(Duration.ofMillis(50), Duration.ofSeconds(1)))
        .withCallTimeout(CALL_TIMEOUT)
        .build();
    return new TestRegistry(registry, new EtcdRegistryTime(registry, Settings.timeScale()),
        new EtcdBackend(registry, new DefaultEtcdHandle(etcd, lifecycle(context))));
  }

  private EtcdResource etcd(ExtensionContext context) {
    String image = image(context);
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
    return owner.getStore(NAMESPACE).getOrComputeIfAbsent("etcd:" + image, key -> start(context, image),
        EtcdResource.class);
  }

  private static EtcdResource start(ExtensionContext context, String image) {
    EtcdBackends.Choice choice = choice(context, image);
    EtcdServer server = choice.starter()
        .orElseThrow(() -> new IllegalStateException(choice.reason()))
        .get();
    return new EtcdResource(server);
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

  private static String image(ExtensionContext context) {
    return Annotations.find(context, EtcdRegistryTest.class)
        .map(EtcdRegistryTest::image)
        .filter(image -> !image.isBlank())
        .or(() -> Settings.get(Settings.IMAGE))
        .orElse(EtcdRegistryTest.DEFAULT_IMAGE);
  }
}
