/**
 * A grpc-java {@code NameResolverProvider} (scheme {@code registrykit}) that resolves a service name
 * through a {@code ServiceCache}. registry-etcd is optional: it is needed only by the provider grpc
 * loads by itself, which opens the etcd of the configuration.
 */
module dev.registrykit.grpc {
  requires transitive dev.registrykit.api;
  requires transitive io.grpc;
  requires static dev.registrykit.etcd;

  exports dev.registrykit.grpc;

  provides io.grpc.NameResolverProvider with dev.registrykit.grpc.RegistrykitNameResolverProvider;
}
