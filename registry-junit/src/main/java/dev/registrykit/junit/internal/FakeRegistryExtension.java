package dev.registrykit.junit.internal;

import dev.registrykit.InvalidEntry;
import dev.registrykit.Registry;
import dev.registrykit.fake.FakeClock;
import dev.registrykit.fake.FakeRegistry;
import dev.registrykit.junit.FakeRegistryTest;
import dev.registrykit.junit.BackendControls;
import dev.registrykit.junit.RegistryTime;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The extension behind {@link FakeRegistryTest}: one fresh FakeRegistry per test (per class for
 * {@code @BeforeAll} parameters), in the store of the context that asked, closed with it.
 */
public final class FakeRegistryExtension extends InjectingExtension {

  private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(FakeRegistryExtension.class);
  private static final List<Class<?>> SUPPORTED = List.of(Registry.class, FakeRegistry.class, FakeClock.class, RegistryTime.class, BackendControls.class);

  /** Creates the extension (JUnit does). */
  FakeRegistryExtension() {
    this("@FakeRegistryTest");
  }

  /** For {@code annotation}, which messages name. */
  FakeRegistryExtension(String annotation) {
    super(annotation, SUPPORTED);
  }

  /** Fake state per context. */
  @SuppressWarnings("deprecation")
  private record FakeResource(FakeRegistry registry, RegistryTime time, BackendControls controls)
      implements AutoCloseable, ExtensionContext.Store.CloseableResource {
    @Override
    public void close() {
      registry.close();
    }
  }

  @Override
  protected Object resolve(Class<?> type, ExtensionContext context) {
    FakeResource fake = context.getStore(NAMESPACE).getOrComputeIfAbsent("fake", key -> create(context), FakeResource.class);
    if (type == FakeClock.class) {
      return fake.registry().clock();
    }
    if (type == RegistryTime.class) {
      return fake.time();
    }
    if (type == BackendControls.class) {
      return fake.controls();
    }
    return fake.registry();
  }

  private static FakeResource create(ExtensionContext context) {
    FakeRegistryTest settings = Annotations.find(context, FakeRegistryTest.class).orElse(DEFAULTS);
    List<InvalidEntry> invalidEntries = new CopyOnWriteArrayList<>();
    FakeRegistry registry = FakeRegistry.builder()
        .withMinimumTtl(positive("minimumTtlSeconds", settings.minimumTtlSeconds(), Duration::ofSeconds))
        .withExpiryCheckInterval(positive("expiryCheckIntervalMillis", settings.expiryCheckIntervalMillis(), Duration::ofMillis))
        .withElectionTimeout(positive("electionTimeoutMillis", settings.electionTimeoutMillis(), Duration::ofMillis))
        .withInvalidEntryListener(invalidEntries::add)
        .build();
    return new FakeResource(registry, new FakeRegistryTime(registry), new FakeBackendControls(registry, invalidEntries));
  }

  private static Duration positive(String attribute, long value, java.util.function.LongFunction<Duration> unit) {
    if (value <= 0) {
      throw new ExtensionConfigurationException("@FakeRegistryTest(" + attribute + ") must be positive but was: " + value);
    }
    return unit.apply(value);
  }

  @FakeRegistryTest
  private static final class Defaults {
  }

  private static final FakeRegistryTest DEFAULTS = Defaults.class.getAnnotation(FakeRegistryTest.class);
}
