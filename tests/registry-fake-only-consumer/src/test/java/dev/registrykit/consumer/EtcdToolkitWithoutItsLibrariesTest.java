package dev.registrykit.consumer;

import static dev.registrykit.junit.RegistryAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.testkit.engine.EventConditions.container;
import static org.junit.platform.testkit.engine.EventConditions.displayName;
import static org.junit.platform.testkit.engine.EventConditions.event;
import static org.junit.platform.testkit.engine.EventConditions.finishedSuccessfully;
import static org.junit.platform.testkit.engine.EventConditions.finishedWithFailure;
import static org.junit.platform.testkit.engine.EventConditions.test;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.instanceOf;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.message;

import dev.registrykit.Registry;
import dev.registrykit.ServiceInstance;
import dev.registrykit.junit.EtcdRegistryTest;
import dev.registrykit.junit.RegistryTest;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;

/**
 * What a project on registry-junit alone sees when a test asks for etcd: the class, or the {@code
 * [etcd]} run, fails with the artifact to add, and the {@code [fake]} run still passes. The fixture
 * classes are nested, so surefire leaves them to the engine runs below; run alone (in an IDE) they
 * fail as these tests expect them to.
 */
class EtcdToolkitWithoutItsLibrariesTest {

  private static final String MISSING = " runs on a real etcd, and the etcd toolkit is "
      + "dev.registrykit:registry-junit-etcd, which is not on the test class path: add it in test scope (it brings "
      + "registry-junit, registry-etcd, jetcd and Testcontainers). registry-junit alone is the fake toolkit: "
      + "@FakeRegistryTest, and @RegistryTest(backends = Backend.FAKE)";

  private static final ServiceInstance ORDERS = ServiceInstance.of("orders", "i-1", "http://10.0.0.7:5000");

  @EtcdRegistryTest
  static class OnEtcd {
    @Test
    void registers(Registry registry) {
      registry.register(ORDERS);
    }
  }

  static class OnBoth {
    @RegistryTest
    void listsWhatItRegistered(Registry registry) {
      registry.register(ORDERS);
      assertThat(registry).hasInstance(ORDERS);
    }
  }

  private static EngineExecutionResults run(Class<?> type) {
    return EngineTestKit.engine("junit-jupiter").selectors(selectClass(type)).execute();
  }

  @Test
  void theEtcdToolkitsLibrariesAreNotOnThisClassPath() {
    ClassLoader loader = getClass().getClassLoader();

    assertThat(List.of("dev/registrykit/etcd/EtcdRegistry.class", "io/etcd/jetcd/Client.class",
        "org/testcontainers/DockerClientFactory.class", "io/grpc/Channel.class", "io/netty/channel/Channel.class"))
        .as("class files found on this test class path").allSatisfy(file -> assertThat(loader.getResource(file)).isNull());
  }

  @Test
  void anEtcdRegistryTestClassFailsWithTheArtifactToAdd() {
    EngineExecutionResults results = run(OnEtcd.class);

    results.containerEvents().assertThatEvents().haveExactly(1, event(container(OnEtcd.class),
        finishedWithFailure(instanceOf(ExtensionConfigurationException.class),
            message("@EtcdRegistryTest" + MISSING))));
    assertThat(results.testEvents().started().count()).as("tests started").isZero();
  }

  @Test
  void aRegistryTestPassesOnTheFakeAndItsEtcdRunFailsWithTheArtifactToAdd() {
    EngineExecutionResults results = run(OnBoth.class);

    results.testEvents().assertThatEvents()
        .haveExactly(1, event(test(), displayName("[fake]"), finishedSuccessfully()))
        .haveExactly(1, event(test(), displayName("[etcd]"), finishedWithFailure(
            instanceOf(ExtensionConfigurationException.class),
            message("@RegistryTest [etcd]" + MISSING))));
    assertThat(results.testEvents().started().count()).as("runs started").isEqualTo(2);
  }
}
