package dev.registrykit.grpc;

import dev.registrykit.ServiceInstance;
import dev.registrykit.grpc.RegistrykitNameResolverProvider;

/** Where a gRPC call to an instance goes: the rules of {@link RegistrykitNameResolverProvider}. */
final class GrpcAddresses {

  private GrpcAddresses() {
  }

  /** The host of the instance's address, without the brackets of an IPv6 literal. */
  static String host(ServiceInstance instance) {
    String host = instance.address().getHost();
    return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
  }

  /**
   * The {@code grpc.port} metadata entry, else the address's port, else {@code defaultPort}.
   *
   * @throws IllegalArgumentException if the {@code grpc.port} entry is not a port number, naming it
   */
  static int port(ServiceInstance instance, int defaultPort) {
    String grpcPort = instance.metadata().get(RegistrykitNameResolverProvider.GRPC_PORT_METADATA_KEY);
    if (grpcPort != null) {
      if (!grpcPort.matches("[0-9]{1,5}") || Integer.parseInt(grpcPort) < 1 || Integer.parseInt(grpcPort) > 65535) {
        throw new IllegalArgumentException(RegistrykitNameResolverProvider.GRPC_PORT_METADATA_KEY
            + " must be a port number (1-65535) but was: \"" + grpcPort + "\"");
      }
      return Integer.parseInt(grpcPort);
    }
    int port = instance.address().getPort();
    return port > 0 ? port : defaultPort;
  }
}
