package dev.registrykit.junit;

import dev.registrykit.junit.internal.FakeRegistryExtension;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Gives every test of the annotated class a fresh in-memory {@code FakeRegistry} and its {@code
 * FakeClock}: leases expire when the test advances the clock, with no thread and no sleep.
 *
 * <p>Injects, by parameter or into fields annotated {@link RegistryResource}: {@link
 * dev.registrykit.Registry} or {@code FakeRegistry} (the same object), {@code FakeClock}, {@link
 * RegistryTime} and {@link BackendControls}. The registry is closed after each test.
 *
 * <pre>{@code
 * @FakeRegistryTest
 * class OrdersRegistrationTest {
 *   @Test
 *   void crashedInstanceDisappearsAfterItsTtl(FakeRegistry registry, FakeClock clock) {
 *     Registration orders = registry.register(
 *         ServiceInstance.of("orders", "i-1", "http://10.0.0.7:5000"), Duration.ofSeconds(30));
 *     registry.crash(orders);
 *     clock.advance(Duration.ofSeconds(31));
 *     assertThat(registry).doesNotHaveInstance(orders.instance());
 *   }
 * }
 * }</pre>
 */
@Target({ElementType.TYPE, ElementType.ANNOTATION_TYPE})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(FakeRegistryExtension.class)
public @interface FakeRegistryTest {

  /**
   * The least TTL the fake grants, in seconds: 2 by default, as etcd with its default flags; 1
   * matches the etcd that {@link EtcdRegistryTest} starts.
   */
  long minimumTtlSeconds() default 2;

  /**
   * How often the fake removes leases that ran out, in milliseconds: 500 by default, as etcd's
   * lessor checks; a lease goes at the first check after its TTL ({@code
   * FakeRegistry.Builder#withExpiryCheckInterval}).
   */
  long expiryCheckIntervalMillis() default 500;

  /**
   * The election timeout of the etcd that the fake plays, in milliseconds: 1000 by default, as etcd's
   * default flag; after a leader change every lease lives its TTL plus this ({@code
   * FakeRegistry.Builder#withElectionTimeout}). 100 matches the etcd that {@link EtcdRegistryTest}
   * starts.
   */
  long electionTimeoutMillis() default 1000;
}
