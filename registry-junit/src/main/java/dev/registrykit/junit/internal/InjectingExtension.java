package dev.registrykit.junit.internal;

import java.util.List;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * What both extensions do alike: inject a fixed set of types, by parameter and into {@code
 * RegistryResource} fields, from one {@link #resolve} that keeps its state in JUnit stores. The
 * fields here are constants, never test state.
 */
abstract class InjectingExtension implements ParameterResolver, BeforeEachCallback {

  private final String annotation;
  private final List<Class<?>> supported;

  InjectingExtension(String annotation, List<Class<?>> supported) {
    this.annotation = annotation;
    this.supported = List.copyOf(supported);
  }

  /** The value of {@code type} for {@code context}; {@code type} is one of the supported ones. */
  abstract Object resolve(Class<?> type, ExtensionContext context);

  @Override
  public final boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return supported.contains(parameter.getParameter().getType());
  }

  @Override
  public final Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return resolve(parameter.getParameter().getType(), context);
  }

  @Override
  public final void beforeEach(ExtensionContext context) {
    Injection.injectFields(context, annotation, supported, type -> resolve(type, context));
  }
}
