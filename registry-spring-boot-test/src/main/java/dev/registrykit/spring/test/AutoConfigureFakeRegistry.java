package dev.registrykit.spring.test;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.test.context.PropertyMapping;

/**
 * Runs a {@code @SpringBootTest} application on registrykit's in-memory {@code FakeRegistry}
 * instead of etcd, with a {@code FakeClock} bean the test advances: a crashed peer disappears when
 * the clock passes its TTL, in milliseconds and without a sleep. Same as the property {@code
 * registrykit.fake.enabled=true}; the annotation also imports {@link FakeRegistryAutoConfiguration}
 * (listed in {@code META-INF/spring/dev.registrykit.spring.test.AutoConfigureFakeRegistry.imports}),
 * so it works in test slices that import only the auto-configurations they name.
 *
 * <pre>{@code
 * @SpringBootTest
 * @AutoConfigureFakeRegistry
 * class OrdersTest {
 *   @Autowired FakeRegistry registry;
 *   @Autowired FakeClock clock;
 *
 *   @Test
 *   void aCrashedPeerDisappears(@Autowired DiscoveryClient discovery) {
 *     Registration peer = registry.register(ServiceInstance.of("OrderShippingService", "peer", "http://127.0.0.1:9"));
 *     registry.crash(peer);
 *     clock.advance(Duration.ofSeconds(31));
 *     assertThat(discovery.getInstances("OrderShippingService")).isEmpty();
 *   }
 * }
 * }</pre>
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@PropertyMapping("registrykit.fake")
@ImportAutoConfiguration
public @interface AutoConfigureFakeRegistry {

  /** Whether the fake replaces etcd; {@code true}. */
  boolean enabled() default true;
}
