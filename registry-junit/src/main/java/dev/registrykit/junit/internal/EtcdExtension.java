package dev.registrykit.junit.internal;

import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.LifecycleMethodExecutionExceptionHandler;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;

/**
 * The extension {@code @EtcdRegistryTest} names: the etcd toolkit's extension ({@link
 * EtcdToolkit#extension}), found when JUnit makes this one, which passes every call on to it. Where
 * registry-junit-etcd is absent, making it fails the class with the artifact to add.
 */
public final class EtcdExtension implements ParameterResolver, BeforeEachCallback, ExecutionCondition,
    TestExecutionExceptionHandler, LifecycleMethodExecutionExceptionHandler {

  private static final String ANNOTATION = "@EtcdRegistryTest";

  private final InjectingExtension etcd;

  /** Finds the etcd toolkit (JUnit calls it); fails with the fix where it is missing. */
  public EtcdExtension() {
    this.etcd = EtcdToolkit.require(ANNOTATION).extension(ANNOTATION);
  }

  @Override
  public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
    return etcd.evaluateExecutionCondition(context);
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return etcd.supportsParameter(parameter, context);
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return etcd.resolveParameter(parameter, context);
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    etcd.beforeEach(context);
  }

  @Override
  public void handleTestExecutionException(ExtensionContext context, Throwable throwable) throws Throwable {
    etcd.handleTestExecutionException(context, throwable);
  }

  @Override
  public void handleBeforeAllMethodExecutionException(ExtensionContext context, Throwable throwable)
      throws Throwable {
    etcd.handleBeforeAllMethodExecutionException(context, throwable);
  }

  @Override
  public void handleBeforeEachMethodExecutionException(ExtensionContext context, Throwable throwable)
      throws Throwable {
    etcd.handleBeforeEachMethodExecutionException(context, throwable);
  }

  @Override
  public void handleAfterEachMethodExecutionException(ExtensionContext context, Throwable throwable)
      throws Throwable {
    etcd.handleAfterEachMethodExecutionException(context, throwable);
  }

  @Override
  public void handleAfterAllMethodExecutionException(ExtensionContext context, Throwable throwable)
      throws Throwable {
    etcd.handleAfterAllMethodExecutionException(context, throwable);
  }
}
