package dev.registrykit.junit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a field that {@link EtcdRegistryTest} or {@link FakeRegistryTest} fills before each test,
 * with what it would inject as a parameter of the field's type.
 *
 * <pre>{@code
 * @FakeRegistryTest
 * class OrdersTest {
 *   @RegistryResource Registry registry;
 *   @RegistryResource FakeClock clock;
 * }
 * }</pre>
 */
@Target(ElementType.FIELD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface RegistryResource {
}
