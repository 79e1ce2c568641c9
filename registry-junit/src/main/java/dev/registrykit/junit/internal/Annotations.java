package dev.registrykit.junit.internal;

import java.lang.annotation.Annotation;
import java.util.Optional;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.commons.support.AnnotationSupport;

/** Finds the extension's annotation on the test class, its superclasses, meta-annotations, or enclosing classes (@Nested). */
final class Annotations {

  private Annotations() {
  }

  static <A extends Annotation> Optional<A> find(ExtensionContext context, Class<A> type) {
    Optional<Class<?>> start = context.getTestClass();
    for (Class<?> current = start.orElse(null); current != null; current = current.getEnclosingClass()) {
      Optional<A> found = AnnotationSupport.findAnnotation(current, type);
      if (found.isPresent()) {
        return found;
      }
    }
    return Optional.empty();
  }
}
