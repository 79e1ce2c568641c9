/**
 * The etcd half of the test toolkit: it starts and controls etcd for {@code @EtcdRegistryTest} and
 * the {@code [etcd]} runs of {@code @RegistryTest} (registry-junit's annotations), which find it as
 * the {@code EtcdToolkit} service it provides. Its API is {@code EtcdHandle}; the rest is in {@code
 * internal}, exported to JUnit alone, which makes the extension by reflection.
 */
module dev.registrykit.junit.etcd {
  requires transitive dev.registrykit.junit;
  requires transitive dev.registrykit.etcd;
  requires transitive jetcd.core; // EtcdHandle.client(); no stable module name
  requires testcontainers; // no stable module name
  requires com.github.dockerjava.api;
  requires org.junit.platform.commons;
  requires awaitility; // no stable module name

  exports dev.registrykit.junit.etcd;

  exports dev.registrykit.junit.etcd.internal to org.junit.platform.commons;
  opens dev.registrykit.junit.etcd.internal to org.junit.platform.commons;

  provides dev.registrykit.junit.internal.EtcdToolkit with dev.registrykit.junit.etcd.internal.EtcdToolkitProvider;
}
