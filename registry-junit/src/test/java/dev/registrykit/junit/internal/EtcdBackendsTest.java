package dev.registrykit.junit.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

/**
 * Where etcd comes from, branch by branch, with the probes (Docker, the etcd binary) given, so each
 * branch runs on any machine; the branches that start etcd start it from the real binary.
 */
class EtcdBackendsTest {

  private static final String IMAGE = "example/etcd:v0";
  private static final BooleanSupplier NO_DOCKER = () -> false;
  private static final BooleanSupplier DOCKER = () -> true;
  private static final Supplier<Optional<Path>> NO_BINARY = Optional::empty;
  private static final Settings NOTHING_SET = Settings.of(Map.of(), Map.of());

  private static final String HOW_TO_GET_ONE = "To get one, install and start Docker "
      + "(https://docs.docker.com/engine/install/), or install etcd (Debian/Ubuntu: apt-get install etcd-server; "
      + "elsewhere: https://etcd.io/docs/latest/install/) and put it on the PATH or name it with "
      + "-Dregistrykit.etcd.binary=/path/to/etcd, or point the tests at an etcd you run with "
      + "REGISTRYKIT_ETCD_ENDPOINTS=http://host:2379.";
  private static final String SKIPPED = " Skipped: with -Dregistrykit.etcd.required=true (or "
      + "REGISTRYKIT_ETCD_REQUIRED=true) these tests fail instead.";
  private static final String FAILING = " The tests fail instead of being skipped because registrykit.etcd.required "
      + "is true.";

  private static BooleanSupplier dockerNeverAsked() {
    return () -> {
      throw new AssertionError("Docker was asked, but the choice was already made");
    };
  }

  private static Supplier<Optional<Path>> binaryNeverAsked() {
    return () -> {
      throw new AssertionError("the etcd binary was looked for, but the choice was already made");
    };
  }

  private static Settings properties(String... keysAndValues) {
    return Settings.of(Map.of(keysAndValues[0], keysAndValues[1]), Map.of());
  }

  private static boolean answers(URI endpoint) {
    try {
      return Health.healthy(endpoint);
    } catch (IOException e) {
      return false;
    }
  }

  // ------------------------------------------------------------------------------ automatic choice

  @Test
  void withoutEndpointsDockerOrBinaryTheTestsAreSkippedSayingHowToGetEtcd() {
    EtcdBackends.Choice choice = EtcdBackends.choose(IMAGE, NOTHING_SET, NO_DOCKER, NO_BINARY);

    assertThat(choice.backend()).isEqualTo("none");
    assertThat(choice.starter()).isEmpty();
    String reason = "No etcd to test against: REGISTRYKIT_ETCD_ENDPOINTS is not set, Docker is not available, and no "
        + "etcd binary was found (none on the PATH, and -Dregistrykit.etcd.binary is not set). " + HOW_TO_GET_ONE;
    assertThat(choice.skipMessage()).isEqualTo(reason + SKIPPED);
    assertThat(choice.failureMessage()).isEqualTo(reason + FAILING);
  }

  @Test
  void aNamedBinaryThatIsMissingIsNamedInTheSkipMessage() {
    Settings settings = Settings.of(Map.of(), Map.of("REGISTRYKIT_ETCD_BINARY", "/nonexistent/etcd"));

    EtcdBackends.Choice choice = EtcdBackends.choose(IMAGE, settings, NO_DOCKER,
        () -> EtcdBackends.binary(settings, "/usr/bin:/bin"));

    assertThat(choice.skipMessage()).isEqualTo("No etcd to test against: REGISTRYKIT_ETCD_ENDPOINTS is not set, Docker "
        + "is not available, and no etcd binary was found (registrykit.etcd.binary=/nonexistent/etcd is not an "
        + "executable file). " + HOW_TO_GET_ONE + SKIPPED);
  }

  @Test
  void givenEndpointsWinOverDockerAndTheBinaryWithoutAskingEither() {
    EtcdBackends.Choice choice = EtcdBackends.choose(IMAGE, properties(Settings.ENDPOINTS, "http://127.0.0.1:2379"),
        dockerNeverAsked(), binaryNeverAsked());

    assertThat(choice.backend()).isEqualTo("external");
    assertThat(choice.starter()).isPresent();
  }

  @Test
  void endpointsFromTheEnvironmentVariableAreUsedAsTheirEtcd() {
    Path binary = Needs.etcdBinary();
    try (ProcessEtcd theirs = new ProcessEtcd(binary)) {
      URI endpoint = theirs.endpoints().get(0);
      Settings settings = Settings.of(Map.of(), Map.of("REGISTRYKIT_ETCD_ENDPOINTS", endpoint.toString()));

      EtcdBackends.Choice choice = EtcdBackends.choose(IMAGE, settings, dockerNeverAsked(), binaryNeverAsked());

      assertThat(choice.backend()).isEqualTo("external");
      try (EtcdServer server = choice.starter().orElseThrow().apply(1)) {
        assertThat(server.backend()).isEqualTo("external");
        assertThat(server.endpoints()).containsExactly(endpoint);
      }
      assertThat(answers(endpoint)).as("their etcd, after ours was closed").isTrue();
    }
  }

  @Test
  void thePropertyWinsOverTheEnvironmentVariableUnlessBlank() {
    Map<String, String> environment = Map.of("REGISTRYKIT_ETCD_ENDPOINTS", "http://env:2379");

    assertThat(Settings.of(Map.of(Settings.ENDPOINTS, "http://a:1, http://b:2,"), environment).endpoints())
        .containsExactly("http://a:1", "http://b:2");
    assertThat(Settings.of(Map.of(Settings.ENDPOINTS, " "), environment).endpoints()).containsExactly("http://env:2379");
    assertThat(NOTHING_SET.endpoints()).isEmpty();
  }

  @Test
  void malformedEndpointsFailNamingTheValue() {
    assertThatThrownBy(() -> EtcdBackends.choose(IMAGE, properties(Settings.ENDPOINTS, "http://127.0.0.1:2379,etcd:2379"),
        dockerNeverAsked(), binaryNeverAsked()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("registrykit.etcd.endpoints (or REGISTRYKIT_ETCD_ENDPOINTS) must be comma-separated URLs such as "
            + "http://127.0.0.1:2379 but was: \"http://127.0.0.1:2379,etcd:2379\"");
  }

  @Test
  void withDockerAndNoEndpointsEtcdRunsInAContainer() {
    EtcdBackends.Choice choice = EtcdBackends.choose(IMAGE, NOTHING_SET, DOCKER, binaryNeverAsked());

    assertThat(choice.backend()).isEqualTo("container");
    assertThat(choice.starter()).isPresent();
  }

  @Test
  void withoutDockerTheBinaryRunsAsAProcess() {
    Path binary = Needs.etcdBinary();

    EtcdBackends.Choice choice = EtcdBackends.choose(IMAGE, NOTHING_SET, NO_DOCKER, () -> Optional.of(binary));

    assertThat(choice.backend()).isEqualTo("process");
    URI endpoint;
    try (EtcdServer server = choice.starter().orElseThrow().apply(1)) {
      endpoint = server.endpoints().get(0);
      assertThat(server.backend()).isEqualTo("process");
      assertThat(server).hasToString("etcd process " + binary + " at " + endpoint);
      assertThat(answers(endpoint)).as("etcd from the binary, serving").isTrue();
    }
    assertThat(answers(endpoint)).as("etcd from the binary, after close").isFalse();
  }

  // ------------------------------------------------------------------------------ forced choice

  @Test
  void aForcedBackendThatCannotBeHadSaysHowToGetIt() {
    assertThat(EtcdBackends.choose(IMAGE, properties(Settings.BACKEND, "external"), dockerNeverAsked(),
        binaryNeverAsked()).skipMessage()).isEqualTo("registrykit.etcd.backend=external but neither "
        + "-Dregistrykit.etcd.endpoints nor REGISTRYKIT_ETCD_ENDPOINTS is set: set one to the etcd to use, such as "
        + "http://127.0.0.1:2379." + SKIPPED);
    assertThat(EtcdBackends.choose(IMAGE, properties(Settings.BACKEND, "container"), NO_DOCKER,
        binaryNeverAsked()).skipMessage()).isEqualTo("registrykit.etcd.backend=container but Docker is not available: "
        + "install and start Docker (https://docs.docker.com/engine/install/), or unset registrykit.etcd.backend to use "
        + "an etcd binary or REGISTRYKIT_ETCD_ENDPOINTS." + SKIPPED);
    assertThat(EtcdBackends.choose(IMAGE, properties(Settings.BACKEND, "process"), dockerNeverAsked(),
        NO_BINARY).failureMessage()).isEqualTo("registrykit.etcd.backend=process but no etcd binary was found (none "
        + "on the PATH, and -Dregistrykit.etcd.binary is not set): install etcd (Debian/Ubuntu: apt-get install "
        + "etcd-server; elsewhere: https://etcd.io/docs/latest/install/) and put it on the PATH or name it with "
        + "-Dregistrykit.etcd.binary=/path/to/etcd." + FAILING);
  }

  @Test
  void aForcedBackendIsUsedEvenWhereAnotherWouldBeChosen() {
    Settings external = Settings.of(Map.of(Settings.BACKEND, "external", Settings.ENDPOINTS, "http://127.0.0.1:2379"),
        Map.of());
    Settings container = Settings.of(Map.of(Settings.BACKEND, "Container", Settings.ENDPOINTS, "http://127.0.0.1:2379"),
        Map.of());
    Settings process = Settings.of(Map.of(), Map.of("REGISTRYKIT_ETCD_BACKEND", "process"));

    assertThat(EtcdBackends.choose(IMAGE, external, dockerNeverAsked(), binaryNeverAsked()).backend())
        .isEqualTo("external");
    assertThat(EtcdBackends.choose(IMAGE, container, DOCKER, binaryNeverAsked()).backend()).isEqualTo("container");
    assertThat(EtcdBackends.choose(IMAGE, process, dockerNeverAsked(), () -> Optional.of(Path.of("/usr/bin/etcd")))
        .backend()).isEqualTo("process");
  }

  @Test
  void anUnknownBackendNamesTheChoices() {
    assertThatThrownBy(() -> EtcdBackends.choose(IMAGE, properties(Settings.BACKEND, "kubernetes"), dockerNeverAsked(),
        binaryNeverAsked()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("registrykit.etcd.backend must be one of auto, container, process, external but was: \"kubernetes\"");
  }

  // ------------------------------------------------------------------------------ finding the binary

  private static Path executable(Path file) {
    try {
      Files.createDirectories(file.getParent());
      Files.writeString(file, "#!/bin/sh\nexit 0\n");
      assertThat(file.toFile().setExecutable(true)).as("made executable: " + file).isTrue();
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  void aNamedBinaryWinsOverThePath(@TempDir Path directory) {
    Path named = executable(directory.resolve("named/my-etcd"));
    Path onPath = executable(directory.resolve("bin/etcd"));

    assertThat(EtcdBackends.binary(properties(Settings.BINARY, named.toString()), onPath.getParent().toString()))
        .contains(named);
    assertThat(EtcdBackends.binary(Settings.of(Map.of(), Map.of("REGISTRYKIT_ETCD_BINARY", named.toString())),
        onPath.getParent().toString())).contains(named);
  }

  @Test
  void aNamedBinaryThatIsNotAnExecutableFileIsNotSwappedForTheOneOnThePath(@TempDir Path directory) throws IOException {
    Path onPath = executable(directory.resolve("bin/etcd"));
    Path notExecutable = Files.writeString(directory.resolve("etcd.txt"), "not a program");

    for (String named : List.of("/nonexistent/etcd", notExecutable.toString(), directory.toString())) {
      assertThat(EtcdBackends.binary(properties(Settings.BINARY, named), onPath.getParent().toString()))
          .as("named " + named).isEmpty();
    }
  }

  @Test
  void onThePathTheFirstExecutableEtcdIsTaken(@TempDir Path directory) throws IOException {
    Path notExecutable = Files.createDirectories(directory.resolve("a"));
    Files.writeString(notExecutable.resolve("etcd"), "not a program");
    Path second = executable(directory.resolve("b/etcd"));
    executable(directory.resolve("c/etcd"));
    String path = String.join(java.io.File.pathSeparator, "", directory.resolve("missing").toString(),
        notExecutable.toString(), second.getParent().toString(), directory.resolve("c").toString());

    assertThat(EtcdBackends.binary(NOTHING_SET, path)).contains(second);
    assertThat(EtcdBackends.binary(NOTHING_SET, directory.resolve("missing").toString())).isEmpty();
    assertThat(EtcdBackends.binary(NOTHING_SET, null)).isEmpty();
  }

  // ------------------------------------------------------------------------------ what tests need

  @Test
  void aTestThatNeedsWhatIsMissingIsSkippedUnlessEtcdIsRequired() {
    Needs.require(true, "Docker", true); // present: nothing to say

    assertThatThrownBy(() -> Needs.require(false, "Docker", false))
        .isInstanceOf(TestAbortedException.class)
        .hasMessage("this test needs Docker; skipped, since registrykit.etcd.required is not true");
    assertThatThrownBy(() -> Needs.require(false, "Docker", true))
        .isInstanceOf(AssertionFailedError.class)
        .hasMessage("this test needs Docker, and registrykit.etcd.required=true forbids skipping it");
  }

  // ------------------------------------------------------------------------------ Docker without the image

  private static final String NO_IMAGE = "Docker cannot run etcd: the image example/etcd:v0 is not in Docker and "
      + "could not be pulled (Docker said: no such host). Without access to its registry, use a local etcd image: "
      + "build or load one (scripts/provision.sh in registrykit's sources builds one) and name it with "
      + "REGISTRYKIT_ETCD_IMAGE or -Dregistrykit.etcd.image; or run etcd from its binary "
      + "(REGISTRYKIT_ETCD_BACKEND=process): install etcd (Debian/Ubuntu: apt-get install etcd-server; elsewhere: "
      + "https://etcd.io/docs/latest/install/) and put it on the PATH or name it with "
      + "-Dregistrykit.etcd.binary=/path/to/etcd; or point the tests at an etcd you run with "
      + "REGISTRYKIT_ETCD_ENDPOINTS=http://host:2379.";

  private static Function<String, Optional<String>> unpullable(List<String> asked) {
    return image -> {
      asked.add(image);
      return Optional.of("Docker said: no such host");
    };
  }

  @Test
  void aForcedContainerWhoseImageCannotBeHadFailsNamingTheImageAndTheWaysOut() {
    List<String> asked = new ArrayList<>();

    EtcdBackends.Choice choice = EtcdBackends.choose(IMAGE, properties(Settings.BACKEND, "container"), DOCKER,
        unpullable(asked), binaryNeverAsked());

    assertThat(asked).containsExactly(IMAGE);
    assertThat(choice.backend()).isEqualTo("none");
    assertThat(choice.failureMessage()).isEqualTo(NO_IMAGE + FAILING);
  }

  @Test
  void automaticallyTheBinaryServesWhereDockerCannotHaveTheImage() {
    EtcdBackends.Choice choice = EtcdBackends.choose(IMAGE, NOTHING_SET, DOCKER, unpullable(new ArrayList<>()),
        () -> Optional.of(Path.of("/usr/bin/etcd")));

    assertThat(choice.backend()).isEqualTo("process");
  }

  @Test
  void automaticallyWithoutTheImageOrABinaryTheMessageNamesTheImage() {
    EtcdBackends.Choice choice = EtcdBackends.choose(IMAGE, NOTHING_SET, DOCKER, unpullable(new ArrayList<>()),
        NO_BINARY);

    assertThat(choice.skipMessage()).isEqualTo(NO_IMAGE + " No etcd binary was found either (none on the PATH, "
        + "and -Dregistrykit.etcd.binary is not set)." + SKIPPED);
  }

  @Test
  void theImageIsNotAskedForWithoutDocker() {
    EtcdBackends.Choice choice = EtcdBackends.choose(IMAGE, NOTHING_SET, NO_DOCKER, image -> {
      throw new AssertionError("the image was asked for without Docker");
    }, () -> Optional.of(Path.of("/usr/bin/etcd")));

    assertThat(choice.backend()).isEqualTo("process");
  }
}
