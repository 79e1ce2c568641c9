package dev.registrykit.junit.internal;

import dev.registrykit.junit.EtcdRegistryTest;
import dev.registrykit.junit.FakeRegistryTest;
import dev.registrykit.junit.RegistryTest;
import java.lang.annotation.Annotation;
import java.util.Optional;
import java.util.function.Function;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * Finds the extension's annotation on the test class, its superclasses, meta-annotations, or
 * enclosing classes (@Nested); for the settings of a {@link RegistryTest} run, in its {@code etcd()}
 * or {@code fake()}: the method's where it sets them, else the class's.
 */
public final class Annotations {

  private static final RegistryTest DEFAULTS = Defaults.class.getAnnotation(RegistryTest.class);

  @RegistryTest
  private static final class Defaults {
  }

  private Annotations() {
  }

  public static <A extends Annotation> Optional<A> find(ExtensionContext context, Class<A> type) {
    Optional<A> direct = onClasses(context, type);
    if (direct.isPresent()) {
      return direct;
    }
    if (type == EtcdRegistryTest.class) {
      return inRegistryTest(context, RegistryTest::etcd).map(type::cast);
    }
    if (type == FakeRegistryTest.class) {
      return inRegistryTest(context, RegistryTest::fake).map(type::cast);
    }
    return Optional.empty();
  }

  private static <A extends Annotation> Optional<A> onClasses(ExtensionContext context, Class<A> type) {
    Optional<Class<?>> start = context.getTestClass();
    for (Class<?> current = start.orElse(null); current != null; current = current.getEnclosingClass()) {
      Optional<A> found = AnnotationSupport.findAnnotation(current, type);
      if (found.isPresent()) {
        return found;
      }
    }
    return Optional.empty();
  }

  private static Optional<Annotation> inRegistryTest(ExtensionContext context, Function<RegistryTest, Annotation> settings) {
    Optional<Annotation> onMethod = context.getTestMethod()
        .flatMap(method -> AnnotationSupport.findAnnotation(method, RegistryTest.class)).map(settings);
    if (onMethod.isPresent() && !onMethod.get().equals(settings.apply(DEFAULTS))) {
      return onMethod;
    }
    return onClasses(context, RegistryTest.class).map(settings).or(() -> onMethod);
  }
}
