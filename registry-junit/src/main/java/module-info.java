/**
 * The test toolkit: {@code @FakeRegistryTest}, {@code @EtcdRegistryTest}, {@code @RegistryTest},
 * {@code RegistryTime}, the fault controls, the AssertJ assertions and the contract suites. The etcd
 * side (registry-etcd, jetcd, Testcontainers) is optional: tests on the fake need none of it. JUnit
 * makes the extensions and runs the contracts' test methods by reflection, so those packages are
 * open to it. The annotations name their extensions in {@code @ExtendWith}, which needs public
 * classes: those are in the {@code internal} package, exported to JUnit alone.
 */
module dev.registrykit.junit {
  requires transitive dev.registrykit.api;
  requires transitive dev.registrykit.fake;
  requires static transitive dev.registrykit.etcd;
  requires static transitive jetcd.core; // EtcdHandle.client(); no stable module name
  requires static testcontainers; // no stable module name
  requires static com.github.dockerjava.api;
  requires transitive org.junit.jupiter.api;
  requires transitive org.assertj.core;
  requires org.junit.platform.commons;
  requires awaitility; // no stable module name
  requires java.management;

  exports dev.registrykit.junit;
  exports dev.registrykit.junit.contract;

  opens dev.registrykit.junit.contract to org.junit.platform.commons;
  exports dev.registrykit.junit.internal to org.junit.platform.commons;
  opens dev.registrykit.junit.internal to org.junit.platform.commons;
}
