package dev.registrykit.junit;

import dev.registrykit.junit.internal.RegistryTestExtension;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.TestTemplate;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Runs the annotated test method once on the fake and once on a real etcd, with the same body:
 * the display names end in {@code [fake]} and {@code [etcd]}. Use it in place of {@code @Test}.
 *
 * <p>Each run injects, by parameter or into fields annotated {@link RegistryResource}, what both
 * backends have: {@link dev.registrykit.Registry}, {@link RegistryTime} (crash, expiry, waiting) and
 * {@link BackendControls} (raw writes and the faults: connection lost, etcd down, data wiped,
 * compaction, a lost lease). A parameter only one backend has ({@code FakeClock}, {@code
 * FakeRegistry}; {@code EtcdHandle}, {@code EtcdRegistry}, the jetcd {@code Client}) fails the
 * other backend's run with a message saying how to restrict the test to the backend that has it.
 *
 * <pre>{@code
 * class OrdersRegistrationTest {
 *   @RegistryTest
 *   void crashedInstanceDisappearsAfterItsTtl(Registry registry, RegistryTime time) {
 *     Registration orders = registry.register(
 *         ServiceInstance.of("orders", "i-1", "http://10.0.0.7:5000"), Duration.ofSeconds(1));
 *     time.crash(orders);
 *     time.awaitExpiry(orders);   // fake: the clock jumps; etcd: about a second
 *     assertThat(registry).doesNotHaveInstance(orders.instance());
 *   }
 *
 *   @RegistryTest(backends = Backend.ETCD)
 *   void survivesAPausedEtcd(Registry registry, EtcdHandle etcd) { ... }
 * }
 * }</pre>
 *
 * <p>On the test class, the annotation gives every {@code @RegistryTest} method of the class its
 * settings: its {@link #backends()} (a method runs on the backends both name) and the {@link
 * #etcd()} and {@link #fake()} settings (a method's own, where it sets them, win). The system
 * property or environment variable {@code registrykit.backends} / {@code REGISTRYKIT_BACKENDS}
 * ({@code fake}, {@code etcd} or {@code fake,etcd}) narrows every test of a run, say to the fake
 * for a quick local loop. Where etcd cannot be started, the {@code [etcd]} runs are skipped (or
 * fail with {@code -Dregistrykit.etcd.required=true}) as {@link EtcdRegistryTest}'s tests are.
 */
@Target({ElementType.METHOD, ElementType.TYPE, ElementType.ANNOTATION_TYPE})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@TestTemplate
@ExtendWith(RegistryTestExtension.class)
public @interface RegistryTest {

  /** The backends to run on, in this order; both by default. */
  Backend[] backends() default {Backend.FAKE, Backend.ETCD};

  /**
   * How the {@code [etcd]} runs get their etcd: image, lifecycle (an etcd of the class's own, {@link
   * EtcdLifecycle#PER_CLASS}, for tests that stop or wipe it) and so on, as on {@link EtcdRegistryTest}.
   */
  EtcdRegistryTest etcd() default @EtcdRegistryTest;

  /**
   * The {@code [fake]} runs' settings, as on {@link FakeRegistryTest}. By default the fake plays the
   * etcd that the {@code [etcd]} runs get: TTLs from 1 s, an election timeout of 100 ms, expired
   * leases removed at the next check every 500 ms.
   */
  FakeRegistryTest fake() default @FakeRegistryTest(minimumTtlSeconds = 1, electionTimeoutMillis = 100);
}
