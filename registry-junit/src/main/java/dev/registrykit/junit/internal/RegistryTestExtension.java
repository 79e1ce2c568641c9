package dev.registrykit.junit.internal;

import dev.registrykit.fake.FakeClock;
import dev.registrykit.fake.FakeRegistry;
import dev.registrykit.junit.Backend;
import dev.registrykit.junit.RegistryTest;
import java.lang.reflect.Method;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.Extension;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.TestTemplateInvocationContext;
import org.junit.jupiter.api.extension.TestTemplateInvocationContextProvider;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * The extension behind {@link RegistryTest}: one invocation of the test method per backend, each
 * with the extension of that backend ({@link FakeRegistryExtension}, or the etcd toolkit's from
 * registry-junit-etcd, {@link EtcdToolkit}; both keep their state in the invocation's store as for
 * their own annotations) and a resolver that refuses, with the fix, what only the other backend has.
 *
 * <p>registry-junit has no etcd library: the types only etcd has are named here, not referred to,
 * and the {@code [etcd]} run fails alone, with the fix, where registry-junit-etcd is absent.
 */
public final class RegistryTestExtension implements TestTemplateInvocationContextProvider {

  static final String BACKENDS = "registrykit.backends";

  /** The parameter types only the fake has. */
  private static final List<String> FAKE_ONLY = List.of(FakeRegistry.class.getName(), FakeClock.class.getName());

  /**
   * The parameter types only etcd has, by name: {@code EtcdRegistry.class} or {@code Client.class}
   * here would load registry-etcd or jetcd in every {@code [fake]} run.
   */
  static final List<String> ETCD_ONLY =
      List.of("dev.registrykit.junit.etcd.EtcdHandle", "dev.registrykit.etcd.EtcdRegistry", "io.etcd.jetcd.Client");

  /** Creates the extension (JUnit does). */
  RegistryTestExtension() {
  }

  @Override
  public boolean supportsTestTemplate(ExtensionContext context) {
    return context.getTestMethod().filter(method -> AnnotationSupport.isAnnotated(method, RegistryTest.class)).isPresent();
  }

  @Override
  public Stream<TestTemplateInvocationContext> provideTestTemplateInvocationContexts(ExtensionContext context) {
    Method method = context.getRequiredTestMethod();
    String where = context.getRequiredTestClass().getSimpleName() + "." + method.getName();
    RegistryTest onMethod = AnnotationSupport.findAnnotation(method, RegistryTest.class).orElseThrow();
    List<Backend> backends = named(onMethod, "@RegistryTest on " + where);
    Set<Backend> allowed = EnumSet.allOf(Backend.class);
    String narrowedBy = "";
    var onClass = Annotations.find(context, RegistryTest.class);
    if (onClass.isPresent()) {
      allowed.retainAll(named(onClass.get(), "@RegistryTest on " + context.getRequiredTestClass().getSimpleName()));
      narrowedBy = ", its class names " + List.of(onClass.get().backends());
    }
    var property = Settings.get(BACKENDS);
    if (property.isPresent()) {
      allowed.retainAll(parse(property.get()));
      narrowedBy += ", " + BACKENDS + " is \"" + property.get() + "\"";
    }
    List<Backend> run = backends.stream().filter(allowed::contains).toList();
    if (run.isEmpty()) {
      throw new ExtensionConfigurationException(where + " runs on no backend: the method names "
          + backends + narrowedBy + "; name a backend they share");
    }
    return run.stream().map(Invocation::new);
  }

  private static List<Backend> named(RegistryTest annotation, String where) {
    List<Backend> backends = List.of(annotation.backends());
    if (backends.isEmpty() || Set.copyOf(backends).size() != backends.size()) {
      throw new ExtensionConfigurationException(where + ": backends must name FAKE, ETCD or both, each once, but was: "
          + backends);
    }
    return backends;
  }

  private static Set<Backend> parse(String value) {
    Set<Backend> backends = EnumSet.noneOf(Backend.class);
    for (String part : value.split(",")) {
      String name = part.trim().toUpperCase(Locale.ROOT);
      try {
        backends.add(Backend.valueOf(name));
      } catch (IllegalArgumentException e) {
        throw new ExtensionConfigurationException(BACKENDS + " must be fake, etcd or fake,etcd but was: \"" + value + "\"");
      }
    }
    return backends;
  }

  /** One run of the test method on one backend. */
  private record Invocation(Backend backend) implements TestTemplateInvocationContext {

    @Override
    public String getDisplayName(int invocationIndex) {
      return "[" + backend.displayName() + "]";
    }

    @Override
    public List<Extension> getAdditionalExtensions() {
      String name = "@RegistryTest [" + backend.displayName() + "]";
      return switch (backend) {
        case FAKE -> List.of(new FakeRegistryExtension(name), new OnlyOn(Backend.ETCD, backend, ETCD_ONLY));
        // fails this run alone, with the fix, where registry-junit-etcd is absent
        case ETCD -> List.of(EtcdToolkit.require(name).extension(name), new OnlyOn(Backend.FAKE, backend, FAKE_ONLY));
      };
    }
  }

  /** Takes the parameters that only {@code owner} has, to fail them with the fix instead of JUnit's "no resolver". */
  private record OnlyOn(Backend owner, Backend running, List<String> typeNames) implements ParameterResolver {

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
      return typeNames.contains(parameter.getParameter().getType().getName());
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
      throw new ParameterResolutionException(parameter.getParameter().getType().getSimpleName() + " exists only on "
          + owner.displayName() + ", but this is the [" + running.displayName() + "] run of "
          + context.getRequiredTestMethod().getName() + "; use @RegistryTest(backends = Backend." + owner
          + ") to run the test on " + owner.displayName() + " alone, or ask for what both have: Registry, "
          + "RegistryTime, BackendControls");
    }
  }
}
