package dev.registrykit.junit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Runs the annotated test class against a real etcd and injects, by parameter: {@link
 * dev.registrykit.Registry} (an {@code EtcdRegistry} in a fresh namespace per test), {@link
 * EtcdHandle}, a raw jetcd {@code Client}, and {@link RegistryTime}.
 *
 * <p>SKELETON: attributes and the extension are being written.
 */
@Target({ElementType.TYPE, ElementType.ANNOTATION_TYPE})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
public @interface EtcdRegistryTest {
}
