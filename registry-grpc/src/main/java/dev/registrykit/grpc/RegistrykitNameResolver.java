package dev.registrykit.grpc;

import dev.registrykit.Registry;
import dev.registrykit.ServiceCache;
import dev.registrykit.ServiceInstance;
import dev.registrykit.Subscription;
import dev.registrykit.grpc.RegistrykitNameResolverProvider;
import io.grpc.Attributes;
import io.grpc.ChannelLogger;
import io.grpc.EquivalentAddressGroup;
import io.grpc.NameResolver;
import io.grpc.Status;
import io.grpc.StatusOr;
import io.grpc.SynchronizationContext;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * Resolves {@code registrykit:///{serviceName}} from a {@link ServiceCache} of the service.
 *
 * <p>grpc's rules: every field below is read and written on the channel's {@link
 * SynchronizationContext} only, and results go to {@link Listener2#onResult2} from it; what blocks
 * (building the cache, which lists the service; resolving host names) runs on the channel's offload
 * executor. Each cache change asks for an update; one update runs at a time and reads the cache's
 * newest instances, and changes that come meanwhile make one more update after it, so the channel
 * always ends with the newest instances and never gets an older list after a newer one.
 */
final class RegistrykitNameResolver extends NameResolver {

  private final String serviceName;
  private final RegistrySource source;
  private final SynchronizationContext sync;
  private final Executor offload;
  private final int defaultPort;
  private final ChannelLogger log;

  private Listener2 listener;
  private Registry registry;
  private ServiceCache cache;
  private Subscription changes;
  private boolean starting;
  private boolean updating;
  private boolean updateAgain;
  private boolean shutdown;
  private List<EquivalentAddressGroup> published;

  /** A resolver of {@code serviceName} on the registry of {@code source}. */
  RegistrykitNameResolver(String serviceName, RegistrySource source, Args args) {
    this.serviceName = serviceName;
    this.source = source;
    this.sync = args.getSynchronizationContext();
    this.offload = args.getOffloadExecutor() != null ? args.getOffloadExecutor() : Runnable::run;
    this.defaultPort = args.getDefaultPort();
    this.log = args.getChannelLogger();
  }

  @Override
  public String getServiceAuthority() {
    return serviceName;
  }

  @Override
  public void start(Listener2 listener) {
    sync.throwIfNotInThisSynchronizationContext();
    this.listener = listener;
    startCache();
  }

  /**
   * grpc calls this after a failed resolution (with backoff) and when a connection fails: start
   * what failed to start, or give the channel the instances again, even if unchanged.
   */
  @Override
  public void refresh() {
    sync.throwIfNotInThisSynchronizationContext();
    if (cache == null) {
      startCache();
    } else {
      published = null;
      update();
    }
  }

  @Override
  public void shutdown() {
    sync.throwIfNotInThisSynchronizationContext();
    if (shutdown) {
      return;
    }
    shutdown = true;
    closeCache();
  }

  private void startCache() {
    if (shutdown || starting || cache != null) {
      return;
    }
    starting = true;
    offload.execute(() -> {
      Registry acquired = null;
      ServiceCache built = null;
      RuntimeException failure = null;
      try {
        acquired = source.acquire();
        built = ServiceCache.builder(acquired, serviceName).build(); // lists the service: blocks, bounded
      } catch (RuntimeException e) {
        failure = e;
      }
      Registry startedOn = acquired;
      ServiceCache startedCache = built;
      RuntimeException startFailure = failure;
      sync.execute(() -> started(startedOn, startedCache, startFailure));
    });
  }

  private void started(Registry acquired, ServiceCache built, RuntimeException failure) {
    starting = false;
    registry = acquired;
    cache = built;
    if (shutdown) {
      closeCache();
      return;
    }
    if (failure != null) {
      log.log(ChannelLogger.ChannelLogLevel.WARNING, "registrykit: cannot follow {0}: {1}", serviceName, failure);
      if (acquired != null) {
        registry = null;
        source.release();
      }
      listener.onResult2(ResolutionResult.newBuilder().setAddressesOrError(StatusOr.fromStatus(
          Status.UNAVAILABLE.withDescription("registrykit cannot follow " + serviceName + ": " + failure.getMessage())
              .withCause(failure))).build());
      return;
    }
    changes = cache.addListener(change -> sync.execute(this::update));
    update();
  }

  private void update() {
    if (shutdown || cache == null) {
      return;
    }
    if (updating) {
      updateAgain = true;
      return;
    }
    updating = true;
    List<ServiceInstance> instances = cache.instances();
    offload.execute(() -> {
      List<EquivalentAddressGroup> groups = addressGroups(instances); // never throws: one bad instance is left out
      sync.execute(() -> {
        updating = false;
        publish(instances, groups);
        if (updateAgain) {
          updateAgain = false;
          update();
        }
      });
    });
  }

  private void publish(List<ServiceInstance> instances, List<EquivalentAddressGroup> groups) {
    if (shutdown || groups.equals(published)) {
      return;
    }
    published = groups;
    if (groups.isEmpty()) {
      String description = instances.isEmpty()
          ? "no instance of " + serviceName + " is registered"
          : "none of the " + instances.size() + " instances of " + serviceName + " has a usable gRPC address";
      listener.onResult2(ResolutionResult.newBuilder()
          .setAddressesOrError(StatusOr.fromStatus(Status.UNAVAILABLE.withDescription(description))).build());
      return;
    }
    listener.onResult2(ResolutionResult.newBuilder().setAddressesOrError(StatusOr.fromValue(groups))
        .setAttributes(Attributes.EMPTY).build());
  }

  /** Offload executor: one group per instance with a usable address; host names are resolved here. */
  private List<EquivalentAddressGroup> addressGroups(List<ServiceInstance> instances) {
    List<EquivalentAddressGroup> groups = new ArrayList<>(instances.size());
    for (ServiceInstance instance : instances) {
      try {
        int port = GrpcAddresses.port(instance, defaultPort);
        List<SocketAddress> addresses = new ArrayList<>();
        for (InetAddress address : InetAddress.getAllByName(GrpcAddresses.host(instance))) {
          addresses.add(new InetSocketAddress(address, port));
        }
        groups.add(new EquivalentAddressGroup(addresses,
            Attributes.newBuilder().set(RegistrykitNameResolverProvider.INSTANCE, instance).build()));
      } catch (UnknownHostException | RuntimeException e) {
        // whatever one entry holds, the others are still published (a thrown exception here would
        // leave the update unfinished and the channel without any later resolution)
        log.log(ChannelLogger.ChannelLogLevel.WARNING, "registrykit: leaving out {0}/{1} ({2}): {3}",
            serviceName, instance.instanceId(), instance.address(), e.toString());
      }
    }
    return List.copyOf(groups);
  }

  private void closeCache() {
    if (changes != null) {
      changes.close();
      changes = null;
    }
    if (cache != null) {
      cache.close();
      cache = null;
    }
    if (registry != null) {
      registry = null;
      try {
        offload.execute(source::release); // may close the configured registry: not on the sync context
      } catch (RejectedExecutionException e) {
        source.release();
      }
    }
  }

  @Override
  public String toString() {
    return "RegistrykitNameResolver[" + serviceName + " on " + source + "]";
  }
}
