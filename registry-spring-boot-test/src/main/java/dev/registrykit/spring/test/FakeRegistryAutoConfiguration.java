package dev.registrykit.spring.test;

import dev.registrykit.Registry;
import dev.registrykit.fake.FakeClock;
import dev.registrykit.fake.FakeRegistry;
import dev.registrykit.spring.RegistrykitAutoConfiguration;
import dev.registrykit.spring.RegistrykitProperties;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * With {@code registrykit.fake.enabled=true} (what {@link AutoConfigureFakeRegistry} sets), the
 * application's {@link Registry} is a {@link FakeRegistry} on a {@link FakeClock} instead of an
 * etcd: leases expire when the test advances the clock, in microseconds and without a sleep. Both
 * are beans, so a test injects the clock and the registry. An application (or a test that shares
 * one fake between several application contexts) that gives a {@code FakeRegistry} bean of its own
 * keeps it, and its clock is the {@code FakeClock} bean.
 */
@AutoConfiguration(before = RegistrykitAutoConfiguration.class)
@ConditionalOnClass(FakeRegistry.class)
@ConditionalOnBooleanProperty("registrykit.fake.enabled")
@EnableConfigurationProperties(RegistrykitProperties.class)
public class FakeRegistryAutoConfiguration {

  /** Creates the auto-configuration; Spring calls it. */
  public FakeRegistryAutoConfiguration() {
  }

  /** A fake registry on a clock of its own, with the namespace and TTL of the properties. */
  @Bean(destroyMethod = "close")
  @ConditionalOnMissingBean(Registry.class)
  FakeRegistry registrykitFakeRegistry(RegistrykitProperties properties) {
    return FakeRegistry.builder().withClock(FakeClock.create()).withNamespace(properties.namespace())
        .withDefaultTtl(properties.ttl()).build();
  }

  /** The fake registry's clock, for the test to advance. */
  @Bean
  @ConditionalOnBean(FakeRegistry.class)
  @ConditionalOnMissingBean
  FakeClock registrykitFakeClock(FakeRegistry registry) {
    return registry.clock();
  }
}
