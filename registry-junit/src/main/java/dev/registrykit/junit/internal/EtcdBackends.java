package dev.registrykit.junit.internal;

import java.io.File;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.IntFunction;
import java.util.function.Supplier;
import org.testcontainers.DockerClientFactory;

/**
 * Decides where etcd comes from. {@code registrykit.etcd.backend} forces one; else, in this order:
 * <ol>
 *   <li>the endpoints the user gave ({@code REGISTRYKIT_ETCD_ENDPOINTS} or {@code
 *       -Dregistrykit.etcd.endpoints}): setting them says which etcd to use, so they win even where
 *       Docker runs, and Docker is not even asked;</li>
 *   <li>a container, when Docker answers;</li>
 *   <li>an etcd binary ({@code -Dregistrykit.etcd.binary}, else {@code etcd} on the {@code PATH})
 *       run as a process;</li>
 *   <li>nothing, with the reason and how to get Docker or etcd.</li>
 * </ol>
 * The probes (is Docker there, where is the binary) are parameters of {@link #choose(String,
 * Settings, BooleanSupplier, Supplier)}, so every branch can be tested on any machine.
 */
final class EtcdBackends {

  static final String HOW_TO_GET_DOCKER = "install and start Docker (https://docs.docker.com/engine/install/)";
  static final String HOW_TO_GET_ETCD = "install etcd (Debian/Ubuntu: apt-get install etcd-server; elsewhere: "
      + "https://etcd.io/docs/latest/install/) and put it on the PATH or name it with -D" + Settings.BINARY
      + "=/path/to/etcd";
  static final String HOW_TO_USE_YOURS = "point the tests at an etcd you run with "
      + Settings.envName(Settings.ENDPOINTS) + "=http://host:2379";

  private EtcdBackends() {
  }

  /** What was chosen: a way to start it with a number of members, or why there is none. */
  record Choice(String backend, Optional<IntFunction<EtcdServer>> starter, String reason) {
    static Choice of(String backend, IntFunction<EtcdServer> starter) {
      return new Choice(backend, Optional.of(starter), "");
    }

    static Choice none(String reason) {
      return new Choice("none", Optional.empty(), reason);
    }

    /** Why the tests are skipped, and how to make them fail instead. */
    String skipMessage() {
      return reason + " Skipped: with -D" + Settings.REQUIRED + "=true (or " + Settings.envName(Settings.REQUIRED)
          + "=true) these tests fail instead.";
    }

    /** Why the tests fail, when etcd is required. */
    String failureMessage() {
      return reason + " The tests fail instead of being skipped because " + Settings.REQUIRED + " is true.";
    }
  }

  /** The choice for this JVM: its settings, its Docker, its {@code PATH}. */
  static Choice choose(String image) {
    return choose(image, Settings.SYSTEM, EtcdBackends::dockerAvailable,
        () -> binary(Settings.SYSTEM, System.getenv("PATH")));
  }

  /**
   * The choice from {@code settings}, asking {@code dockerAvailable} and {@code etcdBinary} only
   * when it gets that far.
   *
   * @throws IllegalArgumentException if {@code registrykit.etcd.backend} or the endpoints are malformed
   */
  static Choice choose(String image, Settings settings, BooleanSupplier dockerAvailable,
      Supplier<Optional<Path>> etcdBinary) {
    String forced = settings.value(Settings.BACKEND).map(v -> v.toLowerCase(Locale.ROOT)).orElse("auto");
    return switch (forced) {
      case "auto" -> external(settings)
          .or(() -> dockerAvailable.getAsBoolean() ? Optional.of(container(image)) : Optional.empty())
          .or(() -> etcdBinary.get().map(EtcdBackends::process))
          .orElseGet(() -> Choice.none("No etcd to test against: " + Settings.envName(Settings.ENDPOINTS)
              + " is not set, Docker is not available, and no etcd binary was found (" + binaryHint(settings)
              + "). To get one, " + HOW_TO_GET_DOCKER + ", or " + HOW_TO_GET_ETCD + ", or " + HOW_TO_USE_YOURS
              + "."));
      case "external" -> external(settings).orElseGet(() -> Choice.none(Settings.BACKEND
          + "=external but neither -D" + Settings.ENDPOINTS + " nor " + Settings.envName(Settings.ENDPOINTS)
          + " is set: set one to the etcd to use, such as http://127.0.0.1:2379."));
      case "container" -> dockerAvailable.getAsBoolean() ? container(image) : Choice.none(Settings.BACKEND
          + "=container but Docker is not available: " + HOW_TO_GET_DOCKER + ", or unset " + Settings.BACKEND
          + " to use an etcd binary or " + Settings.envName(Settings.ENDPOINTS) + ".");
      case "process" -> etcdBinary.get().map(EtcdBackends::process).orElseGet(() -> Choice.none(Settings.BACKEND
          + "=process but no etcd binary was found (" + binaryHint(settings) + "): " + HOW_TO_GET_ETCD + "."));
      default -> throw new IllegalArgumentException(Settings.BACKEND
          + " must be one of auto, container, process, external but was: \"" + forced + "\"");
    };
  }

  private static Choice container(String image) {
    return Choice.of("container", members -> new ContainerEtcd(image, members));
  }

  private static Choice process(Path binary) {
    return Choice.of("process", members -> new ProcessEtcd(binary, members));
  }

  private static Optional<Choice> external(Settings settings) {
    List<String> endpoints = settings.endpoints();
    if (endpoints.isEmpty()) {
      return Optional.empty();
    }
    List<URI> uris = endpoints.stream().map(endpoint -> endpoint(endpoint, settings)).toList();
    return Optional.of(Choice.of("external", members -> { // the user's etcd has the members it has
      EtcdServer server = new ExternalEtcd(uris);
      Health.await(uris.get(0), Duration.ofSeconds(10), "etcd from " + Settings.envName(Settings.ENDPOINTS));
      return server;
    }));
  }

  private static URI endpoint(String endpoint, Settings settings) {
    try {
      URI uri = new URI(endpoint);
      if (("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null) {
        return uri;
      }
    } catch (URISyntaxException e) {
      // reported below
    }
    throw new IllegalArgumentException(Settings.ENDPOINTS + " (or " + Settings.envName(Settings.ENDPOINTS)
        + ") must be comma-separated URLs such as http://127.0.0.1:2379 but was: \""
        + settings.value(Settings.ENDPOINTS).orElse("") + "\"");
  }

  /** Whether Testcontainers reaches a Docker engine; false where it cannot even be asked. */
  static boolean dockerAvailable() {
    try {
      return DockerClientFactory.instance().isDockerAvailable();
    } catch (RuntimeException | LinkageError e) {
      return false;
    }
  }

  /** The etcd binary of this JVM's settings and {@code PATH}. */
  static Optional<Path> binary() {
    return binary(Settings.SYSTEM, System.getenv("PATH"));
  }

  /**
   * The binary {@code registrykit.etcd.binary} names if it is an executable file (and nothing if it
   * is not: a binary named on purpose is not swapped for another); else the first executable file
   * {@code etcd} in a directory of {@code pathVariable}.
   */
  static Optional<Path> binary(Settings settings, String pathVariable) {
    Optional<String> named = settings.value(Settings.BINARY);
    if (named.isPresent()) {
      Path path = Path.of(named.get());
      return executable(path) ? Optional.of(path) : Optional.empty();
    }
    if (pathVariable == null) {
      return Optional.empty();
    }
    for (String directory : pathVariable.split(File.pathSeparator)) {
      if (directory.isEmpty()) {
        continue;
      }
      Path candidate = Path.of(directory, "etcd");
      if (executable(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }

  private static boolean executable(Path path) {
    return Files.isRegularFile(path) && Files.isExecutable(path);
  }

  private static String binaryHint(Settings settings) {
    return settings.value(Settings.BINARY).map(b -> Settings.BINARY + "=" + b + " is not an executable file")
        .orElse("none on the PATH, and -D" + Settings.BINARY + " is not set");
  }
}
