package dev.registrykit.junit.internal;

import java.lang.reflect.Executable;
import java.lang.reflect.Parameter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.LifecycleMethodExecutionExceptionHandler;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;
import org.junit.platform.commons.support.AnnotationSupport;
import org.junit.platform.commons.support.HierarchyTraversalMode;

/**
 * What both extensions do alike: inject a fixed set of types, by parameter and into {@code
 * RegistryResource} fields, from one {@link #resolve} that keeps its state in JUnit stores; and
 * when a test or lifecycle method asks for a parameter that neither they nor any other extension
 * resolves, fail it with a message that names the parameter and lists what they inject, instead of
 * JUnit's bare "No ParameterResolver registered". The fields here are constants, never test state.
 * Public for the etcd toolkit's extension, in registry-junit-etcd ({@link EtcdToolkit}).
 */
public abstract class InjectingExtension
    implements ParameterResolver, BeforeEachCallback, TestExecutionExceptionHandler, LifecycleMethodExecutionExceptionHandler {

  private final String annotation;
  private final List<Class<?>> supported;

  /** For {@code annotation}, which messages name, injecting the {@code supported} types. */
  protected InjectingExtension(String annotation, List<Class<?>> supported) {
    this.annotation = annotation;
    this.supported = List.copyOf(supported);
  }

  /** The value of {@code type} for {@code context}; {@code type} is one of the supported ones. */
  protected abstract Object resolve(Class<?> type, ExtensionContext context);

  /**
   * Whether the test runs: always, unless the extension says otherwise (the etcd extension skips
   * where etcd cannot be started). An extension that has a condition declares {@code
   * ExecutionCondition} too.
   */
  public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
    return ConditionEvaluationResult.enabled("runs on every backend");
  }

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

  // ------------------------------------------------------------------------------ unresolved parameters

  @Override
  public final void handleTestExecutionException(ExtensionContext context, Throwable throwable) throws Throwable {
    throw explained(context, throwable);
  }

  @Override
  public final void handleBeforeAllMethodExecutionException(ExtensionContext context, Throwable throwable)
      throws Throwable {
    throw explained(context, throwable);
  }

  @Override
  public final void handleBeforeEachMethodExecutionException(ExtensionContext context, Throwable throwable)
      throws Throwable {
    throw explained(context, throwable);
  }

  @Override
  public final void handleAfterEachMethodExecutionException(ExtensionContext context, Throwable throwable)
      throws Throwable {
    throw explained(context, throwable);
  }

  @Override
  public final void handleAfterAllMethodExecutionException(ExtensionContext context, Throwable throwable)
      throws Throwable {
    throw explained(context, throwable);
  }

  /**
   * JUnit's "no resolver" failure for a parameter of the test method or of a lifecycle method of the
   * test class, said in terms of this annotation; any other throwable unchanged.
   */
  private Throwable explained(ExtensionContext context, Throwable failure) {
    Throwable throwable = explain(failure);
    if (!(throwable instanceof ParameterResolutionException) || throwable.getMessage() == null) {
      return throwable;
    }
    for (Executable executable : candidates(context)) {
      for (Parameter parameter : executable.getParameters()) {
        if (throwable.getMessage().equals(noResolver(parameter, executable))) {
          return new ParameterResolutionException(describe(executable) + " asks for parameter [" + parameter
              + "], which " + annotation + " cannot inject and no other extension resolves; " + annotation
              + " injects " + supported.stream().map(Class::getSimpleName).toList(), throwable);
        }
      }
    }
    return throwable;
  }

  /** What this annotation adds to a failure of a test or lifecycle method; {@code failure} itself by default. */
  protected Throwable explain(Throwable failure) {
    return failure;
  }

  /** The message JUnit (5.x and 6.x) fails with when no resolver supports {@code parameter}. */
  private static String noResolver(Parameter parameter, Executable executable) {
    return "No ParameterResolver registered for parameter [" + parameter + "] in method ["
        + executable.toGenericString() + "].";
  }

  private static List<Executable> candidates(ExtensionContext context) {
    List<Executable> candidates = new ArrayList<>();
    context.getTestMethod().ifPresent(candidates::add);
    context.getTestClass().ifPresent(type -> {
      for (var lifecycle : List.of(BeforeAll.class, BeforeEach.class, AfterEach.class, AfterAll.class)) {
        candidates.addAll(AnnotationSupport.findAnnotatedMethods(type, lifecycle, HierarchyTraversalMode.TOP_DOWN));
      }
    });
    return candidates;
  }

  /** {@code OrdersTest.registers(Registry, StringBuilder)}. */
  private static String describe(Executable executable) {
    return executable.getDeclaringClass().getSimpleName() + "." + executable.getName() + Arrays.stream(executable.getParameterTypes())
        .map(Class::getSimpleName).collect(Collectors.joining(", ", "(", ")"));
  }
}
