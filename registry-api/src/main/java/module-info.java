/**
 * registrykit's API: the contract every registry keeps ({@code Registry}, {@code Registration},
 * {@code RegistryEvent}, {@code Election}, {@code ServiceInstance}, ...) and the callers'
 * {@code ServiceCache}. Its {@code internal} package (the on-etcd value format, validation, waits)
 * is for the other registrykit modules only.
 */
module dev.registrykit.api {
  exports dev.registrykit;
  exports dev.registrykit.internal to dev.registrykit.fake, dev.registrykit.etcd, dev.registrykit.junit, dev.registrykit.junit.etcd;
}
