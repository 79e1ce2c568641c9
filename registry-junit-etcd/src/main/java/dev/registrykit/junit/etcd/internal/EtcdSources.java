package dev.registrykit.junit.etcd.internal;

import dev.registrykit.junit.internal.Settings;
import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.PullImageResultCallback;
import com.github.dockerjava.api.exception.NotFoundException;
import dev.registrykit.junit.TimeScale;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.IntFunction;
import java.util.function.Supplier;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.utility.DockerImageName;

/**
 * Decides where etcd comes from. {@code registrykit.etcd.source} forces one; else, in this order:
 * <ol>
 *   <li>the endpoints the user gave ({@code REGISTRYKIT_ETCD_ENDPOINTS} or {@code
 *       -Dregistrykit.etcd.endpoints}): setting them says which etcd to use, so they win even where
 *       Docker runs, and Docker is not even asked;</li>
 *   <li>a container, when Docker answers and has the image or pulls it at once (one pull, bounded by
 *       {@link #PULL_BOUND}, not Testcontainers' minutes of retries);</li>
 *   <li>an etcd binary ({@code -Dregistrykit.etcd.binary}, else {@code etcd} on the {@code PATH})
 *       run as a process;</li>
 *   <li>nothing, with the reason and how to get Docker or etcd.</li>
 * </ol>
 * The probes (is Docker there, has it the image, where is the binary) are parameters of {@link
 * #choose(String, Settings, BooleanSupplier, Function, Supplier)}, so every branch can be tested on any
 * machine.
 */
final class EtcdSources {

  static final String HOW_TO_GET_DOCKER = "install and start Docker (https://docs.docker.com/engine/install/)";
  static final String HOW_TO_GET_ETCD = "install etcd (Debian/Ubuntu: apt-get install etcd-server; elsewhere: "
      + "https://etcd.io/docs/latest/install/) and put it on the PATH or name it with -D" + Settings.BINARY
      + "=/path/to/etcd";
  static final String HOW_TO_USE_YOURS = "point the tests at an etcd you run with "
      + Settings.envName(Settings.ENDPOINTS) + "=http://host:2379";

  private EtcdSources() {
  }

  /** What was chosen: a way to start it with a number of members, or why there is none. */
  record Choice(String source, Optional<IntFunction<Etcd>> starter, String reason) {
    static Choice of(String source, IntFunction<Etcd> starter) {
      return new Choice(source, Optional.of(starter), "");
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

  /** How long Docker may take to pull a missing image before the choice gives up on containers. */
  static final Duration PULL_BOUND = Duration.ofSeconds(60);

  /** The choice for this JVM: its settings, its Docker, its {@code PATH}. */
  static Choice choose(String image) {
    return choose(image, Settings.SYSTEM, EtcdSources::dockerAvailable, EtcdSources::imageProblem,
        () -> binary(Settings.SYSTEM, System.getenv("PATH")));
  }

  /** {@link #choose(String, Settings, BooleanSupplier, Function, Supplier)} where every image can be had. */
  static Choice choose(String image, Settings settings, BooleanSupplier dockerAvailable,
      Supplier<Optional<Path>> etcdBinary) {
    return choose(image, settings, dockerAvailable, any -> Optional.empty(), etcdBinary);
  }

  /**
   * The choice from {@code settings}, asking {@code dockerAvailable}, {@code imageProblem} (empty when
   * Docker has the image or pulled it, else why not) and {@code etcdBinary} only when it gets that far.
   * Where Docker runs but cannot have the image (no registry access), {@code auto} goes on to the
   * binary, and a forced {@code container} fails at once, naming the image and the ways out, instead of
   * retrying the pull for minutes.
   *
   * @throws IllegalArgumentException if {@code registrykit.etcd.source} or the endpoints are malformed
   */
  static Choice choose(String image, Settings settings, BooleanSupplier dockerAvailable,
      Function<String, Optional<String>> imageProblem, Supplier<Optional<Path>> etcdBinary) {
    String forced = settings.value(Settings.SOURCE).map(v -> v.toLowerCase(Locale.ROOT)).orElse("auto");
    return switch (forced) {
      case "auto" -> {
        Optional<Choice> external = external(settings);
        if (external.isPresent()) {
          yield external.get();
        }
        boolean docker = dockerAvailable.getAsBoolean();
        Optional<String> noImage = docker ? imageProblem.apply(image) : Optional.empty();
        if (docker && noImage.isEmpty()) {
          yield container(image);
        }
        yield etcdBinary.get().map(EtcdSources::process).orElseGet(() -> Choice.none(noImage
            .map(problem -> noImage(image, problem) + " No etcd binary was found either (" + binaryHint(settings)
                + ").")
            .orElseGet(() -> "No etcd to test against: " + Settings.envName(Settings.ENDPOINTS)
                + " is not set, Docker is not available, and no etcd binary was found (" + binaryHint(settings)
                + "). To get one, " + HOW_TO_GET_DOCKER + ", or " + HOW_TO_GET_ETCD + ", or " + HOW_TO_USE_YOURS
                + ".")));
      }
      case "external" -> external(settings).orElseGet(() -> Choice.none(Settings.SOURCE
          + "=external but neither -D" + Settings.ENDPOINTS + " nor " + Settings.envName(Settings.ENDPOINTS)
          + " is set: set one to the etcd to use, such as http://127.0.0.1:2379."));
      case "container" -> !dockerAvailable.getAsBoolean() ? Choice.none(Settings.SOURCE
          + "=container but Docker is not available: " + HOW_TO_GET_DOCKER + ", or unset " + Settings.SOURCE
          + " to use an etcd binary or " + Settings.envName(Settings.ENDPOINTS) + ".")
          : imageProblem.apply(image).map(problem -> Choice.none(noImage(image, problem)))
              .orElseGet(() -> container(image));
      case "process" -> etcdBinary.get().map(EtcdSources::process).orElseGet(() -> Choice.none(Settings.SOURCE
          + "=process but no etcd binary was found (" + binaryHint(settings) + "): " + HOW_TO_GET_ETCD + "."));
      default -> throw new IllegalArgumentException(Settings.SOURCE
          + " must be one of auto, container, process, external but was: \"" + forced + "\"");
    };
  }

  /** Docker runs but has not got {@code image}: which image, why, and the ways out. */
  private static String noImage(String image, String problem) {
    return "Docker cannot run etcd: the image " + image + " is not in Docker and could not be pulled (" + problem
        + "). Without access to its registry, use a local etcd image: build or load one (scripts/provision.sh in "
        + "registrykit's sources builds one) and name it with " + Settings.envName(Settings.IMAGE) + " or -D"
        + Settings.IMAGE + "; or run etcd from its binary (" + Settings.envName(Settings.SOURCE) + "=process): "
        + HOW_TO_GET_ETCD + "; or " + HOW_TO_USE_YOURS + ".";
  }

  /**
   * Empty when Docker has {@code image} or pulls it within {@link #PULL_BOUND}; else why not, in
   * Docker's words. One pull, without Testcontainers' retries, which go on for minutes where no
   * registry can be reached.
   */
  static Optional<String> imageProblem(String image) {
    DockerClient docker = DockerClientFactory.instance().client();
    try {
      docker.inspectImageCmd(image).exec();
      return Optional.empty();
    } catch (NotFoundException e) {
      // pulled below
    } catch (RuntimeException e) {
      return Optional.of("Docker said: " + e.getMessage());
    }
    DockerImageName name = DockerImageName.parse(image);
    try (PullImageResultCallback pull = docker.pullImageCmd(name.getUnversionedPart())
        .withTag(name.getVersionPart()).exec(new PullImageResultCallback())) {
      Duration bound = TimeScale.scaled(PULL_BOUND);
      if (!pull.awaitCompletion(bound.toMillis(), TimeUnit.MILLISECONDS)) {
        return Optional.of("the pull did not finish within " + bound.toSeconds() + " s");
      }
      docker.inspectImageCmd(image).exec();
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.of("interrupted while pulling");
    } catch (IOException | RuntimeException e) {
      String said = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().strip();
      return Optional.of("Docker said: " + said);
    }
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
      Etcd server = new ExternalEtcd(uris);
      Health.await(uris.get(0), TimeScale.scaled(Duration.ofSeconds(10)), "etcd from " + Settings.envName(Settings.ENDPOINTS));
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
