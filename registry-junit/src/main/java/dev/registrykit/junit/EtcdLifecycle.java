package dev.registrykit.junit;

/** How long one etcd serves the tests of an {@link EtcdRegistryTest} class. */
public enum EtcdLifecycle {
  /**
   * One etcd for the whole test run, shared by every class with the same image (the default: a
   * suite starts etcd once). Each test still gets a registry in a namespace of its own. Fault
   * controls (pause, stop, kill) are refused on it, since they would hit other classes' tests.
   */
  PER_RUN,
  /**
   * One etcd for the test class, fault controls allowed; stopped after the class. A test that
   * leaves it paused, stopped or killed has it brought back before the next test.
   */
  PER_CLASS,
  /** A fresh etcd for every test method, fault controls allowed; stopped after the method. */
  PER_METHOD
}
