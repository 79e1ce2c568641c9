package dev.registrykit.spring.test;

import static org.assertj.core.api.Assertions.assertThat;

import dev.registrykit.etcd.EtcdRegistry;
import dev.registrykit.fake.FakeClock;
import dev.registrykit.fake.FakeRegistry;
import dev.registrykit.spring.RegistrykitAutoConfiguration;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The fake switch: what {@code registrykit.fake.enabled=true} makes, and what an application's own fake keeps. */
class FakeRegistryAutoConfigurationTest {

  private final ApplicationContextRunner runner = new ApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(FakeRegistryAutoConfiguration.class, RegistrykitAutoConfiguration.class));

  @Test
  void theSwitchMakesAFakeRegistryWithTheTtlOfThePropertiesAndItsClockABean() {
    runner.withPropertyValues("registrykit.fake.enabled=true", "registrykit.ttl=7s").run(context -> {
      assertThat(context).hasSingleBean(FakeRegistry.class).doesNotHaveBean(EtcdRegistry.class);
      FakeRegistry registry = context.getBean(FakeRegistry.class);
      assertThat(registry.defaultTtl()).isEqualTo(Duration.ofSeconds(7));
      assertThat(context.getBean(FakeClock.class)).isSameAs(registry.clock());
    });
  }

  @Test
  void offByDefault() {
    runner.withPropertyValues("registrykit.endpoints=http://127.0.0.1:23790").run(context ->
        assertThat(context).doesNotHaveBean(FakeRegistry.class).hasSingleBean(EtcdRegistry.class));
  }

  @Test
  void anApplicationsOwnFakeIsKeptAndItsClockIsTheBean() {
    runner.withPropertyValues("registrykit.fake.enabled=true").withUserConfiguration(OwnFake.class).run(context -> {
      FakeRegistry own = context.getBean(OwnFake.class).registry;
      assertThat(context).hasSingleBean(FakeRegistry.class);
      assertThat(context.getBean(FakeRegistry.class)).isSameAs(own);
      assertThat(context.getBean(FakeClock.class)).isSameAs(own.clock());
    });
  }

  @Configuration(proxyBeanMethods = false)
  static class OwnFake {
    final FakeRegistry registry = FakeRegistry.create();

    @Bean
    FakeRegistry sharedFakeRegistry() {
      return registry;
    }
  }
}
