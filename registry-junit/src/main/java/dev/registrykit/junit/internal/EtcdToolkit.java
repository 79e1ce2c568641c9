package dev.registrykit.junit.internal;

import java.util.ServiceLoader;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;

/**
 * The etcd half of the toolkit, as registry-junit sees it: registry-junit-etcd provides it (a
 * service of the module system, and {@code META-INF/services} on a class path). registry-junit has
 * no class that starts etcd and no etcd library; {@code @EtcdRegistryTest} and the {@code [etcd]}
 * runs of {@code @RegistryTest} find their extension here, and where registry-junit-etcd is absent
 * they fail with the artifact to add.
 */
public interface EtcdToolkit {

  /** The artifact that provides the etcd toolkit, to add in test scope. */
  String ARTIFACT = "dev.registrykit:registry-junit-etcd";

  /**
   * The extension that runs tests on a real etcd (registry, handle, time, controls), its messages
   * naming {@code annotation}; a new one for each call.
   */
  InjectingExtension extension(String annotation);

  /**
   * The etcd toolkit on this class or module path; else throws, naming {@code annotation} and the
   * artifact to add.
   */
  static EtcdToolkit require(String annotation) {
    return ServiceLoader.load(EtcdToolkit.class, EtcdToolkit.class.getClassLoader()).findFirst()
        .orElseThrow(() -> new ExtensionConfigurationException(missing(annotation)));
  }

  /** Why {@code annotation} cannot run without registry-junit-etcd, and the fix. */
  static String missing(String annotation) {
    return annotation + " runs on a real etcd, and the etcd toolkit is " + ARTIFACT + ", which is not on the test "
        + "class path: add it in test scope (it brings registry-junit, registry-etcd, jetcd and Testcontainers). "
        + "registry-junit alone is the fake toolkit: @FakeRegistryTest, and @RegistryTest(backends = Backend.FAKE)";
  }
}
