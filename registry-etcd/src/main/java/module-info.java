/**
 * {@code EtcdRegistry}, the registry on a real etcd through jetcd, and {@code ServiceRegistrar} for
 * applications. Its {@code internal} package is for registrykit's test toolkit (the test hooks) and
 * registry-grpc (the settings reader) only.
 */
module dev.registrykit.etcd {
  requires transitive dev.registrykit.api;
  requires transitive jetcd.core; // EtcdRegistry.Builder.withClient(io.etcd.jetcd.Client); no stable module name
  requires jetcd.common;
  requires jetcd.grpc; // the lease keep-alive stream (KeepAliveStream); no stable module name
  requires io.grpc;
  requires io.grpc.stub;
  requires io.netty.handler; // the TLS settings of withTls

  exports dev.registrykit.etcd;
  exports dev.registrykit.etcd.internal to dev.registrykit.junit.etcd, dev.registrykit.grpc;
}
