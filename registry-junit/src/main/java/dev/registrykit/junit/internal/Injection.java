package dev.registrykit.junit.internal;

import dev.registrykit.junit.RegistryResource;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;

/** Fills the {@link RegistryResource} fields of the test instances, as the extensions' parameters would be. */
final class Injection {

  private Injection() {
  }

  /**
   * @param supported what the extension injects, for the message
   * @param resolve   the value for a field type, or null if unsupported
   */
  static void injectFields(ExtensionContext context, String annotation, List<Class<?>> supported,
      Function<Class<?>, Object> resolve) {
    for (Object instance : context.getRequiredTestInstances().getAllInstances()) {
      for (Class<?> type = instance.getClass(); type != null && type != Object.class; type = type.getSuperclass()) {
        for (Field field : type.getDeclaredFields()) {
          if (!field.isAnnotationPresent(RegistryResource.class)) {
            continue;
          }
          if (Modifier.isStatic(field.getModifiers())) {
            throw new ExtensionConfigurationException("@RegistryResource field " + type.getSimpleName() + "."
                + field.getName() + " must be neither static nor final but is static: make it an instance field, "
                + "which the extension fills before each test");
          }
          if (Modifier.isFinal(field.getModifiers())) {
            throw new ExtensionConfigurationException("@RegistryResource field " + type.getSimpleName() + "."
                + field.getName() + " must be neither static nor final but is final: remove final, so that the "
                + "extension can fill it before each test");
          }
          if (!supported.contains(field.getType())) {
            throw new ExtensionConfigurationException("@RegistryResource field " + type.getSimpleName() + "."
                + field.getName() + " has type " + field.getType().getName() + ", which " + annotation
                + " cannot inject; it injects " + supported.stream().map(Class::getSimpleName).toList());
          }
          try {
            field.setAccessible(true);
            field.set(instance, resolve.apply(field.getType()));
          } catch (IllegalAccessException e) {
            throw new ExtensionConfigurationException("could not set @RegistryResource field "
                + type.getSimpleName() + "." + field.getName(), e);
          }
        }
      }
    }
  }
}
