package dev.registrykit.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.registrykit.Election;
import dev.registrykit.Registration;
import dev.registrykit.Registry;
import dev.registrykit.RegistryListener;
import dev.registrykit.ServiceInstance;
import dev.registrykit.Subscription;
import dev.registrykit.fake.FakeRegistry;
import dev.registrykit.junit.FakeRegistryTest;
import dev.registrykit.junit.TimeScale;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.NameResolverRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.SortedSet;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** How the provider is found, what targets it takes, and that a channel's shutdown stops its watch. */
@FakeRegistryTest
class ResolverLifecycleTest {

  /** How long grpc's network side may take (real even on the fake): 10 s on a quiet machine, scaled now. */
  private static Duration bound() {
    return TimeScale.scaled(Duration.ofSeconds(10));
  }

  @Test
  void grpcLoadsTheProviderFromMetaInfServicesForTheScheme() {
    assertThat(NameResolverRegistry.getDefaultRegistry().getProviderForScheme("registrykit"))
        .isInstanceOf(RegistrykitNameResolverProvider.class);
  }

  @Test
  void aProviderForARegistryOutranksTheLoadedOne() {
    RegistrykitNameResolverProvider given = RegistrykitNameResolverProvider.forRegistry(FakeRegistry.create());
    NameResolverRegistry.getDefaultRegistry().register(given);
    try {
      assertThat(NameResolverRegistry.getDefaultRegistry().getProviderForScheme("registrykit")).isSameAs(given);
      assertThat(NameResolverRegistry.getDefaultRegistry().getDefaultScheme())
          .as("targets without a scheme (\"localhost:2379\") stay dns").isEqualTo("dns");
    } finally {
      NameResolverRegistry.getDefaultRegistry().deregister(given);
    }
  }

  @Test
  void targetsOtherThanAServiceNameAreRefusedWhenTheChannelIsBuilt(FakeRegistry registry) {
    try (Channels ignored = new Channels(registry, bound())) {
      for (String target : List.of("registrykit:///", "registrykit:///a/b", "registrykit://etcd:2379/orders",
          "registrykit:///bad%20name")) {
        assertThatThrownBy(() -> Grpc.newChannelBuilder(target, InsecureChannelCredentials.create()).build())
            .as(target).hasStackTraceContaining("target must be registrykit:///{serviceName}");
      }
    }
  }

  @Test
  void shuttingTheChannelDownClosesItsWatch(FakeRegistry fake) throws InterruptedException {
    CountingRegistry registry = new CountingRegistry(fake);
    try (IdServers servers = IdServers.start(1); Channels channels = new Channels(registry, bound())) {
      fake.register(servers.instance("greeter", "s-1"), Duration.ofSeconds(30));
      ManagedChannel channel = channels.roundRobin("greeter");
      channels.awaitAnswering(channel, 3, Set.of("s-1"));
      assertThat(registry.openWatches).hasValue(1);

      Channels.shutDown(channel);

      channels.await(() -> assertThat(registry.openWatches).hasValue(0));
    }
  }

  /** A registry that counts the watches open on it, delegating everything to a fake. */
  static final class CountingRegistry implements Registry {
    final AtomicInteger openWatches = new AtomicInteger();
    private final Registry delegate;

    CountingRegistry(Registry delegate) {
      this.delegate = delegate;
    }

    @Override
    public Registration register(ServiceInstance instance, Duration ttl) {
      return delegate.register(instance, ttl);
    }

    @Override
    public List<ServiceInstance> instances(String serviceName) {
      return delegate.instances(serviceName);
    }

    @Override
    public SortedSet<String> services() {
      return delegate.services();
    }

    @Override
    public List<ServiceInstance> allInstances() {
      return delegate.allInstances();
    }

    @Override
    public Subscription watch(String serviceName, RegistryListener listener) {
      Subscription watch = delegate.watch(serviceName, listener);
      openWatches.incrementAndGet();
      return counted(watch);
    }

    @Override
    public Subscription watchAll(RegistryListener listener) {
      Subscription watch = delegate.watchAll(listener);
      openWatches.incrementAndGet();
      return counted(watch);
    }

    private Subscription counted(Subscription watch) {
      AtomicInteger closes = new AtomicInteger();
      return () -> {
        watch.close();
        if (closes.getAndIncrement() == 0) {
          openWatches.decrementAndGet();
        }
      };
    }

    @Override
    public Election election(String name) {
      return delegate.election(name);
    }

    @Override
    public void close() {
      delegate.close();
    }
  }
}
