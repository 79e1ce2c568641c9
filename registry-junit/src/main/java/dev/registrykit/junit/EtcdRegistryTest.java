package dev.registrykit.junit;

import dev.registrykit.junit.internal.EtcdExtension;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Runs the annotated test class against a real etcd.
 *
 * <p>Injects, by parameter or into fields annotated {@link RegistryResource}:
 * <ul>
 *   <li>{@link dev.registrykit.Registry} (or {@code EtcdRegistry}): a registry in a namespace of
 *       its own for each test, so tests never see each other's instances; closed after the test;</li>
 *   <li>{@code EtcdHandle} ({@code dev.registrykit.junit.etcd}): endpoints, a raw jetcd client and fault controls;</li>
 *   <li>{@code io.etcd.jetcd.Client}: the raw client (owned by the extension);</li>
 *   <li>{@link RegistryTime}: crash a registration, wait for its expiry, wait for a condition;</li>
 *   <li>{@link BackendControls}: raw writes as another program would, and an outage of this test's
 *       registry alone: {@link BackendControls#makeUnavailable()} cuts the registry's connections to
 *       etcd (it reaches etcd through a proxy the extension can cut) while etcd goes on serving the
 *       raw client and other tests and expiring the registry's leases; {@link BackendControls#heal()}
 *       lets it reconnect. To stop etcd itself, use the {@code EtcdHandle} controls.</li>
 * </ul>
 *
 * <pre>{@code
 * @EtcdRegistryTest
 * class OrdersRegistrationTest {
 *   @Test
 *   void crashedInstanceDisappearsAfterItsTtl(Registry registry, RegistryTime time) {
 *     Registration orders = registry.register(
 *         ServiceInstance.of("orders", "i-1", "http://10.0.0.7:5000"), Duration.ofSeconds(1));
 *     time.crash(orders);
 *     time.awaitExpiry(orders);
 *     assertThat(registry).doesNotHaveInstance(orders.instance());
 *   }
 * }
 * }</pre>
 *
 * <p>Where etcd comes from, in order: {@code REGISTRYKIT_ETCD_ENDPOINTS} / {@code
 * -Dregistrykit.etcd.endpoints} (an etcd you run; no fault controls), which wins even where Docker
 * runs, since setting it says which etcd to use; else a container of {@link #image()} when Docker
 * answers; else an {@code etcd} binary (the one {@code -Dregistrykit.etcd.binary} names, else {@code
 * etcd} on the {@code PATH}) run as a process on free loopback ports; else the tests are skipped
 * with a message saying how to get Docker or etcd, or fail when {@code
 * -Dregistrykit.etcd.required=true}. {@code -Dregistrykit.etcd.source=container|process|external}
 * forces one. etcd is started with
 * {@code --heartbeat-interval=10 --election-timeout=100}, so a 1 s lease is granted 1 s.
 *
 * <p>With {@link #members()} 3 or 5, the container source runs one container per member on a Docker
 * network of the cluster's own (so a member can be partitioned); the process source runs one process
 * per member on loopback ports (all controls but partition).
 *
 * <p>The extension stops its own containers and processes (through JUnit's store, and a JVM
 * shutdown hook as a safety net for a run that ends without closing it: {@code System.exit}, Ctrl-C,
 * SIGTERM), so it works without Testcontainers' Ryuk. A JVM killed with SIGKILL runs no hook: what it
 * started stays until removed by hand (containers carry the label {@code dev.registrykit}).
 *
 * <p>The etcd toolkit is {@code dev.registrykit:registry-junit-etcd} (test scope), which brings
 * registry-etcd, jetcd and Testcontainers. Without it the class fails with a message saying so; registry-junit alone is the fake toolkit ({@link FakeRegistryTest}).
 */
@Target({ElementType.TYPE, ElementType.ANNOTATION_TYPE})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(EtcdExtension.class) // the etcd toolkit's extension, from registry-junit-etcd
public @interface EtcdRegistryTest {

  /** The official image registrykit tests with, and the default. */
  String DEFAULT_IMAGE = "gcr.io/etcd-development/etcd:v3.5.21";

  /**
   * The etcd image. Empty (the default) means: system property {@code registrykit.etcd.image},
   * else environment variable {@code REGISTRYKIT_ETCD_IMAGE}, else {@link #DEFAULT_IMAGE}.
   */
  String image() default "";

  /** How long one etcd serves; {@link EtcdLifecycle#PER_RUN} by default. */
  EtcdLifecycle lifecycle() default EtcdLifecycle.PER_RUN;

  /**
   * How many etcd members: 1 (the default), or a cluster of 3 or 5 started together; any other
   * number fails the class. The registry and the raw client get every member's endpoint; {@code
   * EtcdHandle.members()} and {@code EtcdHandle.leader()} give per-member fault controls. Tests of
   * one lifecycle share a cluster only if they ask for the same number of members.
   *
   * <pre>{@code
   * @EtcdRegistryTest(members = 3, lifecycle = EtcdLifecycle.PER_CLASS)
   * class QuorumTest {
   *   @Test
   *   void aFollowerCutOffKeepsNothingFromTheOthers(Registry registry, EtcdHandle etcd) { ... }
   * }
   * }</pre>
   */
  int members() default 1;
}
