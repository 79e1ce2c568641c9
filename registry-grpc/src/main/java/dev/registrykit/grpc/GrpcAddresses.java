package dev.registrykit.grpc;

import dev.registrykit.ServiceInstance;

/** Where a gRPC call to an instance goes: the rules of {@link RegistrykitNameResolverProvider}. */
final class GrpcAddresses {

  private GrpcAddresses() {
  }

  /**
   * The host to resolve: the address's host in its ASCII form ({@link ServiceInstance#host()}, so an
   * international name is its IDNA form), without the brackets of an IPv6 literal (its zone kept).
   */
  static String host(ServiceInstance instance) {
    String host = instance.host();
    return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
  }

  /**
   * The {@code grpc.port} metadata entry, else the address's port, else {@code defaultPort}.
   *
   * @throws IllegalArgumentException if the port is not 1-65535, naming it
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
    int port = instance.port().orElse(defaultPort);
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("the port of " + instance.address() + " must be 1-65535 but was: " + port);
    }
    return port;
  }
}
