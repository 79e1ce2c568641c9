/**
 * The test toolkit: {@code @FakeRegistryTest}, {@code @EtcdRegistryTest}, {@code @RegistryTest},
 * {@code RegistryTime}, the fault controls, the AssertJ assertions and the contract suites. On its
 * own it is the toolkit on the fake: it has no etcd library and no class that starts etcd. The etcd
 * half is module {@code dev.registrykit.junit.etcd} (registry-junit-etcd), which provides {@code
 * internal.EtcdToolkit}; {@code @EtcdRegistryTest} finds it as a service. JUnit makes the extensions
 * and runs the contracts' test methods by reflection, so those packages are open to it. The
 * annotations name their extensions in {@code @ExtendWith}, which needs public classes: those are in
 * the {@code internal} package, exported to JUnit and to the etcd half alone.
 */
module dev.registrykit.junit {
  requires transitive dev.registrykit.api;
  requires transitive dev.registrykit.fake;
  requires transitive org.junit.jupiter.api;
  requires transitive org.assertj.core;
  requires org.junit.platform.commons;
  requires awaitility; // no stable module name
  requires java.management;

  exports dev.registrykit.junit;
  exports dev.registrykit.junit.contract;

  opens dev.registrykit.junit.contract to org.junit.platform.commons;
  exports dev.registrykit.junit.internal to org.junit.platform.commons, dev.registrykit.junit.etcd;
  opens dev.registrykit.junit.internal to org.junit.platform.commons;

  uses dev.registrykit.junit.internal.EtcdToolkit;
}
