package dev.registrykit.junit.internal;

import java.io.File;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.IntFunction;
import org.testcontainers.DockerClientFactory;

/**
 * Decides where etcd comes from: {@code registrykit.etcd.backend} if set; else the endpoints the
 * user gave; else a container when Docker answers; else a binary from the PATH; else nothing, with
 * the reason and what to do about it.
 */
final class EtcdBackends {

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
  }

  static Choice choose(String image) {
    String forced = Settings.get(Settings.BACKEND).map(v -> v.toLowerCase(Locale.ROOT)).orElse("auto");
    return switch (forced) {
      case "auto" -> auto(image);
      case "external" -> external().orElseGet(() -> Choice.none(
          "registrykit.etcd.backend=external but neither -D" + Settings.ENDPOINTS + " nor "
              + Settings.envName(Settings.ENDPOINTS) + " is set"));
      case "container" -> dockerAvailable()
          ? Choice.of("container", members -> new ContainerEtcd(image, members))
          : Choice.none("registrykit.etcd.backend=container but Docker is not available");
      case "process" -> binary().map(EtcdBackends::process).orElseGet(() -> Choice.none(
          "registrykit.etcd.backend=process but no etcd binary was found (" + binaryHint() + ")"));
      default -> throw new IllegalArgumentException(Settings.BACKEND
          + " must be one of auto, container, process, external but was: \"" + forced + "\"");
    };
  }

  private static Choice auto(String image) {
    Optional<Choice> external = external();
    if (external.isPresent()) {
      return external.get();
    }
    if (dockerAvailable()) {
      return Choice.of("container", members -> new ContainerEtcd(image, members));
    }
    return binary().map(EtcdBackends::process).orElseGet(() -> Choice.none(
        "no etcd for @EtcdRegistryTest: Docker is not available, " + Settings.envName(Settings.ENDPOINTS)
            + " is not set, and no etcd binary was found (" + binaryHint() + "). Start Docker, or install etcd "
            + "(Debian: apt-get install etcd-server), or set " + Settings.envName(Settings.ENDPOINTS)
            + "=http://host:2379. With -D" + Settings.REQUIRED + "=true this fails instead of skipping."));
  }

  private static Optional<Choice> external() {
    List<String> endpoints = Settings.endpoints();
    if (endpoints.isEmpty()) {
      return Optional.empty();
    }
    List<URI> uris = endpoints.stream().map(URI::create).toList();
    return Optional.of(Choice.of("external", members -> { // the user's etcd has the members it has
      EtcdServer server = new ExternalEtcd(uris);
      Health.await(uris.get(0), java.time.Duration.ofSeconds(10), "etcd from " + Settings.envName(Settings.ENDPOINTS));
      return server;
    }));
  }

  private static Choice process(Path binary) {
    return Choice.of("process", members -> new ProcessEtcd(binary, members));
  }

  private static boolean dockerAvailable() {
    try {
      return DockerClientFactory.instance().isDockerAvailable();
    } catch (RuntimeException | LinkageError e) {
      return false;
    }
  }

  static Optional<Path> binary() {
    Optional<String> named = Settings.get(Settings.BINARY);
    if (named.isPresent()) {
      Path path = Path.of(named.get());
      return Files.isExecutable(path) ? Optional.of(path) : Optional.empty();
    }
    String pathVariable = System.getenv("PATH");
    if (pathVariable == null) {
      return Optional.empty();
    }
    for (String directory : pathVariable.split(File.pathSeparator)) {
      if (directory.isEmpty()) {
        continue;
      }
      Path candidate = Path.of(directory, "etcd");
      if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }

  private static String binaryHint() {
    return Settings.get(Settings.BINARY).map(b -> Settings.BINARY + "=" + b + " is not an executable file")
        .orElse("none on the PATH, and -D" + Settings.BINARY + " is not set");
  }
}
