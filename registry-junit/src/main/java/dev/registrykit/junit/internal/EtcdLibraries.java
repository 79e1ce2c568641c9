package dev.registrykit.junit.internal;

import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.extension.Extension;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;

/**
 * The libraries the etcd half of the toolkit runs on. registry-junit declares them optional, so a
 * project that only uses the fake has none of them (it depends on registry-junit); a project that
 * tests on etcd depends on registry-junit-etcd, which brings them.
 *
 * <p>Nothing on the fake's paths ({@code @FakeRegistryTest}, the {@code [fake]} runs of {@code
 * @RegistryTest}, the assertions, {@code RegistryTime} and {@code BackendControls} on the fake)
 * touches a class of theirs: {@link EtcdRegistryExtension} and the classes it uses are the only
 * ones that do, and they are reached through this check. JUnit creates this extension first from
 * {@code @EtcdRegistryTest}'s {@code @ExtendWith}, before {@link EtcdRegistryExtension}; where the
 * libraries are missing its constructor fails the class with the fix, instead of a {@link
 * NoClassDefFoundError} from deep inside the extension. It looks for each library's class file as a
 * resource, so the check itself loads none of them.
 */
public final class EtcdLibraries implements Extension {

  /** The artifact to add for the etcd toolkit, in test scope. */
  static final String ARTIFACT = "dev.registrykit:registry-junit-etcd";

  /** A library, by its Maven coordinates and the class file that shows it is there. */
  record Library(String coordinates, String classFile) {
  }

  /** What the etcd toolkit needs, each with a class that it cannot do without. */
  static final List<Library> REQUIRED = List.of(
      new Library("dev.registrykit:registry-etcd", "dev/registrykit/etcd/EtcdRegistry.class"),
      new Library("io.etcd:jetcd-core", "io/etcd/jetcd/Client.class"),
      new Library("org.testcontainers:testcontainers", "org/testcontainers/DockerClientFactory.class"));

  /** Checks for {@code @EtcdRegistryTest} (JUnit calls it); fails where a library is missing. */
  public EtcdLibraries() {
    require("@EtcdRegistryTest");
  }

  /**
   * Returns when every library is on the class path of registry-junit; else throws, naming
   * {@code annotation}, what is missing and the artifact to add.
   */
  static void require(String annotation) {
    ClassLoader loader = EtcdLibraries.class.getClassLoader();
    List<String> missing = missing(classFile -> loader.getResource(classFile) != null);
    if (!missing.isEmpty()) {
      throw new ExtensionConfigurationException(message(annotation, missing));
    }
  }

  /** The coordinates of the required libraries whose class file {@code present} does not find. */
  static List<String> missing(Predicate<String> present) {
    return REQUIRED.stream().filter(library -> !present.test(library.classFile())).map(Library::coordinates).toList();
  }

  /** Why {@code annotation} cannot run without {@code missing}, and the fix. */
  static String message(String annotation, List<String> missing) {
    return annotation + " runs on a real etcd, and the etcd toolkit needs " + String.join(", ", missing)
        + " on the test class path, which " + (missing.size() == 1 ? "is" : "are") + " not there: add " + ARTIFACT
        + " in test scope (it brings registry-junit, registry-etcd, jetcd and Testcontainers). registry-junit alone is "
        + "the fake toolkit: @FakeRegistryTest, and @RegistryTest(backends = Backend.FAKE)";
  }
}
