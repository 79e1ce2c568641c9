package dev.registrykit.grpc;

import dev.registrykit.Registry;
import dev.registrykit.ServiceInstance;
import io.grpc.Attributes;
import io.grpc.NameResolver;
import io.grpc.NameResolverProvider;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.URI;
import java.util.Collection;
import java.util.List;

/**
 * A grpc-java {@link NameResolverProvider} for the scheme {@value #SCHEME}: a channel to {@code
 * registrykit:///OrderShippingService} balances over the registered instances of {@code
 * OrderShippingService} and follows them: a new registration gets traffic, a clean shutdown or a
 * lease expiry takes it away.
 *
 * <pre>{@code
 * NameResolverRegistry.getDefaultRegistry().register(RegistrykitNameResolverProvider.forRegistry(registry));
 * ManagedChannel channel = Grpc.newChannelBuilder("registrykit:///OrderShippingService",
 *         InsecureChannelCredentials.create())
 *     .defaultLoadBalancingPolicy("round_robin")
 *     .build();
 * }</pre>
 *
 * <p><b>Which registry.</b> {@link #forRegistry(Registry)} resolves on a registry the application
 * owns (it is never closed by the provider); register it with {@code NameResolverRegistry}, where it
 * outranks the provider grpc loads by itself. That one, listed in {@code
 * META-INF/services/io.grpc.NameResolverProvider} (the public no-argument constructor), needs {@code
 * registry-etcd} on the class path and connects to the etcd of the configuration, the same keys an
 * application registers with: {@code registrykit.endpoints} (system property) or {@code
 * REGISTRYKIT_ENDPOINTS} (environment), comma-separated, {@code http://localhost:2379} by default,
 * and {@code registrykit.namespace} / {@code REGISTRYKIT_NAMESPACE}, {@code /services} by default.
 * It opens that registry with the first channel and closes it when the last channel's resolver
 * shuts down.
 *
 * <p><b>Where a call goes.</b> The host of each instance's {@link ServiceInstance#address() address};
 * the port is the instance's {@value #GRPC_PORT_METADATA_KEY} metadata entry when it has one (for a
 * gRPC port beside an HTTP one), else the address's port, else the channel's default port (443, or
 * 80 for plaintext). Host names are resolved (off grpc's synchronization context); an instance whose
 * host does not resolve or whose {@value #GRPC_PORT_METADATA_KEY} is not a port number is left out
 * and logged on the channel's logger. Each instance is one {@code EquivalentAddressGroup} carrying
 * the instance as the attribute {@link #INSTANCE}. Endpoints written by etcd's Go {@code
 * naming/endpoints} ({@code {"Op":0,"Addr":"10.0.0.7:50051"}}) are instances with the address
 * {@code grpc://10.0.0.7:50051}, so channels reach Go services too.
 *
 * <p><b>When nothing is there.</b> With no instance the channel gets {@code UNAVAILABLE} (calls fail
 * fast, wait-for-ready calls wait until an instance registers). While the registry cannot be reached
 * the channel keeps the last addresses it had. When the last instance goes, grpc keeps a working
 * connection to it (it never drops one because resolution turned empty): calls fail once that server
 * is gone. A registry that cannot be reached when the channel
 * starts also gives {@code UNAVAILABLE}, and grpc retries the resolution with its backoff.
 */
public final class RegistrykitNameResolverProvider extends NameResolverProvider {

  /** The target scheme: {@code registrykit:///{serviceName}}. */
  public static final String SCHEME = "registrykit";
  /** The metadata entry that names an instance's gRPC port when it is not the address's port. */
  public static final String GRPC_PORT_METADATA_KEY = "grpc.port";
  /** The attribute of each resolved {@code EquivalentAddressGroup}: the instance it stands for. */
  public static final Attributes.Key<ServiceInstance> INSTANCE = Attributes.Key.create("dev.registrykit.instance");

  // Below grpc's dns provider (5): grpc takes the default scheme, for targets without one such as
  // "localhost:2379" (jetcd's among them), from the provider of the highest priority.
  private static final int LOADED_PRIORITY = 3;
  private static final int GIVEN_REGISTRY_PRIORITY = 4;

  private final RegistrySource source;
  private final int priority;

  /**
   * The provider grpc loads from {@code META-INF/services}: it resolves on the etcd of the
   * configuration (see the class documentation). Applications that have a registry use {@link
   * #forRegistry(Registry)} instead.
   */
  public RegistrykitNameResolverProvider() {
    this(new ConfiguredRegistry(), LOADED_PRIORITY);
  }

  private RegistrykitNameResolverProvider(RegistrySource source, int priority) {
    this.source = source;
    this.priority = priority;
  }

  /**
   * A provider that resolves on {@code registry}, which stays the caller's to close (close the
   * channels first). Register it with {@code NameResolverRegistry.getDefaultRegistry().register(...)};
   * it outranks the provider loaded from {@code META-INF/services}.
   *
   * @throws NullPointerException if {@code registry} is null
   */
  public static RegistrykitNameResolverProvider forRegistry(Registry registry) {
    return new RegistrykitNameResolverProvider(RegistrySource.of(registry), GIVEN_REGISTRY_PRIORITY);
  }

  /**
   * A resolver for {@code registrykit:///{serviceName}}; {@code null} for another scheme.
   *
   * @throws IllegalArgumentException if the target has an authority or its path is not a valid service name
   */
  @Override
  public NameResolver newNameResolver(URI targetUri, NameResolver.Args args) {
    if (!SCHEME.equals(targetUri.getScheme())) {
      return null;
    }
    String path = targetUri.getPath();
    if (targetUri.getAuthority() != null || path == null || !path.startsWith("/")
        || !path.substring(1).matches(ServiceInstance.NAME_PATTERN)) {
      throw new IllegalArgumentException("target must be " + SCHEME + ":///{serviceName}, the service name "
          + ServiceInstance.NAME_PATTERN + ", but was: " + targetUri);
    }
    return new RegistrykitNameResolver(path.substring(1), source, args);
  }

  @Override
  public String getDefaultScheme() {
    return SCHEME;
  }

  @Override
  protected boolean isAvailable() {
    return true;
  }

  @Override
  protected int priority() {
    return priority;
  }

  @Override
  public Collection<Class<? extends SocketAddress>> getProducedSocketAddressTypes() {
    return List.of(InetSocketAddress.class);
  }

  @Override
  public String toString() {
    return "RegistrykitNameResolverProvider[" + source + ", priority " + priority + "]";
  }
}
