package dev.registrykit.junit.etcd.internal;

import dev.registrykit.junit.internal.Settings;
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
class EtcdSourcesTest {

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
    EtcdSources.Choice choice = EtcdSources.choose(IMAGE, NOTHING_SET, NO_DOCKER, NO_BINARY);

    assertThat(choice.source()).isEqualTo("none");
    assertThat(choice.starter()).isEmpty();
    String reason = "No etcd to test against: REGISTRYKIT_ETCD_ENDPOINTS is not set, Docker is not available, and no "
        + "etcd binary was found (none on the PATH, and -Dregistrykit.etcd.binary is not set). " + HOW_TO_GET_ONE;
    assertThat(choice.skipMessage()).isEqualTo(reason + SKIPPED);
    assertThat(choice.failureMessage()).isEqualTo(reason + FAILING);
  }

  @Test
  void aNamedBinaryThatIsMissingIsNamedInTheSkipMessage() {
    Settings settings = Settings.of(Map.of(), Map.of("REGISTRYKIT_ETCD_BINARY", "/nonexistent/etcd"));

    EtcdSources.Choice choice = EtcdSources.choose(IMAGE, settings, NO_DOCKER,
        () -> EtcdSources.binary(settings, "/usr/bin:/bin"));

    assertThat(choice.skipMessage()).isEqualTo("No etcd to test against: REGISTRYKIT_ETCD_ENDPOINTS is not set, Docker "
        + "is not available, and no etcd binary was found (registrykit.etcd.binary=/nonexistent/etcd is not an "
        + "executable file). " + HOW_TO_GET_ONE + SKIPPED);
  }

  @Test
  void givenEndpointsWinOverDockerAndTheBinaryWithoutAskingEither() {
    EtcdSources.Choice choice = EtcdSources.choose(IMAGE, properties(Settings.ENDPOINTS, "http://127.0.0.1:2379"),
        dockerNeverAsked(), binaryNeverAsked());

    assertThat(choice.source()).isEqualTo("external");
    assertThat(choice.starter()).isPresent();
  }

  @Test
  void endpointsFromTheEnvironmentVariableAreUsedAsTheirEtcd() {
    Path binary = Needs.etcdBinary();
    try (ProcessEtcd theirs = new ProcessEtcd(binary)) {
      URI endpoint = theirs.endpoints().get(0);
      Settings settings = Settings.of(Map.of(), Map.of("REGISTRYKIT_ETCD_ENDPOINTS", endpoint.toString()));

      EtcdSources.Choice choice = EtcdSources.choose(IMAGE, settings, dockerNeverAsked(), binaryNeverAsked());

      assertThat(choice.source()).isEqualTo("external");
      try (Etcd server = choice.starter().orElseThrow().apply(1)) {
        assertThat(server.source()).isEqualTo("external");
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
    assertThatThrownBy(() -> EtcdSources.choose(IMAGE, properties(Settings.ENDPOINTS, "http://127.0.0.1:2379,etcd:2379"),
        dockerNeverAsked(), binaryNeverAsked()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("registrykit.etcd.endpoints (or REGISTRYKIT_ETCD_ENDPOINTS) must be comma-separated URLs such as "
            + "http://127.0.0.1:2379 but was: \"http://127.0.0.1:2379,etcd:2379\"");
  }

  @Test
  void withDockerAndNoEndpointsEtcdRunsInAContainer() {
    EtcdSources.Choice choice = EtcdSources.choose(IMAGE, NOTHING_SET, DOCKER, binaryNeverAsked());

    assertThat(choice.source()).isEqualTo("container");
    assertThat(choice.starter()).isPresent();
  }

  @Test
  void withoutDockerTheBinaryRunsAsAProcess() {
    Path binary = Needs.etcdBinary();

    EtcdSources.Choice choice = EtcdSources.choose(IMAGE, NOTHING_SET, NO_DOCKER, () -> Optional.of(binary));

    assertThat(choice.source()).isEqualTo("process");
    URI endpoint;
    try (Etcd server = choice.starter().orElseThrow().apply(1)) {
      endpoint = server.endpoints().get(0);
      assertThat(server.source()).isEqualTo("process");
      assertThat(server).hasToString("etcd process " + binary + " at " + endpoint);
      assertThat(answers(endpoint)).as("etcd from the binary, serving").isTrue();
    }
    assertThat(answers(endpoint)).as("etcd from the binary, after close").isFalse();
  }

  // ------------------------------------------------------------------------------ forced choice

  @Test
  void aForcedBackendThatCannotBeHadSaysHowToGetIt() {
    assertThat(EtcdSources.choose(IMAGE, properties(Settings.SOURCE, "external"), dockerNeverAsked(),
        binaryNeverAsked()).skipMessage()).isEqualTo("registrykit.etcd.source=external but neither "
        + "-Dregistrykit.etcd.endpoints nor REGISTRYKIT_ETCD_ENDPOINTS is set: set one to the etcd to use, such as "
        + "http://127.0.0.1:2379." + SKIPPED);
    assertThat(EtcdSources.choose(IMAGE, properties(Settings.SOURCE, "container"), NO_DOCKER,
        binaryNeverAsked()).skipMessage()).isEqualTo("registrykit.etcd.source=container but Docker is not available: "
        + "install and start Docker (https://docs.docker.com/engine/install/), or unset registrykit.etcd.source to use "
        + "an etcd binary or REGISTRYKIT_ETCD_ENDPOINTS." + SKIPPED);
    assertThat(EtcdSources.choose(IMAGE, properties(Settings.SOURCE, "process"), dockerNeverAsked(),
        NO_BINARY).failureMessage()).isEqualTo("registrykit.etcd.source=process but no etcd binary was found (none "
        + "on the PATH, and -Dregistrykit.etcd.binary is not set): install etcd (Debian/Ubuntu: apt-get install "
        + "etcd-server; elsewhere: https://etcd.io/docs/latest/install/) and put it on the PATH or name it with "
        + "-Dregistrykit.etcd.binary=/path/to/etcd." + FAILING);
  }

  @Test
  void aForcedBackendIsUsedEvenWhereAnotherWouldBeChosen() {
    Settings external = Settings.of(Map.of(Settings.SOURCE, "external", Settings.ENDPOINTS, "http://127.0.0.1:2379"),
        Map.of());
    Settings container = Settings.of(Map.of(Settings.SOURCE, "Container", Settings.ENDPOINTS, "http://127.0.0.1:2379"),
        Map.of());
    Settings process = Settings.of(Map.of(), Map.of("REGISTRYKIT_ETCD_SOURCE", "process"));

    assertThat(EtcdSources.choose(IMAGE, external, dockerNeverAsked(), binaryNeverAsked()).source())
        .isEqualTo("external");
    assertThat(EtcdSources.choose(IMAGE, container, DOCKER, binaryNeverAsked()).source()).isEqualTo("container");
    assertThat(EtcdSources.choose(IMAGE, process, dockerNeverAsked(), () -> Optional.of(Path.of("/usr/bin/etcd")))
        .source()).isEqualTo("process");
  }

  @Test
  void anUnknownBackendNamesTheChoices() {
    assertThatThrownBy(() -> EtcdSources.choose(IMAGE, properties(Settings.SOURCE, "kubernetes"), dockerNeverAsked(),
        binaryNeverAsked()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("registrykit.etcd.source must be one of auto, container, process, external but was: \"kubernetes\"");
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

    assertThat(EtcdSources.binary(properties(Settings.BINARY, named.toString()), onPath.getParent().toString()))
        .contains(named);
    assertThat(EtcdSources.binary(Settings.of(Map.of(), Map.of("REGISTRYKIT_ETCD_BINARY", named.toString())),
        onPath.getParent().toString())).contains(named);
  }

  @Test
  void aNamedBinaryThatIsNotAnExecutableFileIsNotSwappedForTheOneOnThePath(@TempDir Path directory) throws IOException {
    Path onPath = executable(directory.resolve("bin/etcd"));
    Path notExecutable = Files.writeString(directory.resolve("etcd.txt"), "not a program");

    for (String named : List.of("/nonexistent/etcd", notExecutable.toString(), directory.toString())) {
      assertThat(EtcdSources.binary(properties(Settings.BINARY, named), onPath.getParent().toString()))
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

    assertThat(EtcdSources.binary(NOTHING_SET, path)).contains(second);
    assertThat(EtcdSources.binary(NOTHING_SET, directory.resolve("missing").toString())).isEmpty();
    assertThat(EtcdSources.binary(NOTHING_SET, null)).isEmpty();
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
      + "(REGISTRYKIT_ETCD_SOURCE=process): install etcd (Debian/Ubuntu: apt-get install etcd-server; elsewhere: "
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

    EtcdSources.Choice choice = EtcdSources.choose(IMAGE, properties(Settings.SOURCE, "container"), DOCKER,
        unpullable(asked), binaryNeverAsked());

    assertThat(asked).containsExactly(IMAGE);
    assertThat(choice.source()).isEqualTo("none");
    assertThat(choice.failureMessage()).isEqualTo(NO_IMAGE + FAILING);
  }

  @Test
  void automaticallyTheBinaryServesWhereDockerCannotHaveTheImage() {
    EtcdSources.Choice choice = EtcdSources.choose(IMAGE, NOTHING_SET, DOCKER, unpullable(new ArrayList<>()),
        () -> Optional.of(Path.of("/usr/bin/etcd")));

    assertThat(choice.source()).isEqualTo("process");
  }

  @Test
  void automaticallyWithoutTheImageOrABinaryTheMessageNamesTheImage() {
    EtcdSources.Choice choice = EtcdSources.choose(IMAGE, NOTHING_SET, DOCKER, unpullable(new ArrayList<>()),
        NO_BINARY);

    assertThat(choice.skipMessage()).isEqualTo(NO_IMAGE + " No etcd binary was found either (none on the PATH, "
        + "and -Dregistrykit.etcd.binary is not set)." + SKIPPED);
  }

  @Test
  void theImageIsNotAskedForWithoutDocker() {
    EtcdSources.Choice choice = EtcdSources.choose(IMAGE, NOTHING_SET, NO_DOCKER, image -> {
      throw new AssertionError("the image was asked for without Docker");
    }, () -> Optional.of(Path.of("/usr/bin/etcd")));

    assertThat(choice.source()).isEqualTo("process");
  }
}
