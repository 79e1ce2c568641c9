package dev.registrykit.eurekacomparison;

import com.netflix.eureka.registry.PeerAwareInstanceRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.loadbalancer.LoadBalancerClient;
import org.springframework.cloud.netflix.eureka.server.EnableEurekaServer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Import;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;

/**
 * Eureka (server and client from Maven Central) beside registrykit, in one run, each at its defaults
 * and at its fastest documented settings: three providers of a service, each a JVM of its own, and a
 * consumer per sample. Two cases: one provider killed (SIGKILL: no deregistration) and, at the same
 * instant, one stopped (SIGTERM: Spring closes it, which deregisters); or one provider killed and the
 * other two left running. The consumer's Spring Cloud LoadBalancer is asked every 100 ms; each sample
 * prints how long it went on choosing each gone provider and, for Eureka, what the server's
 * self-preservation did (its renewal threshold, the renewals of the last minute, whether it expired
 * leases). Then a table of min / median / max per setup and case.
 *
 * <p>Settings (system properties): {@code comparison.samples} per setup and case (5),
 * {@code comparison.capMinutes} the observation window after the kill (6), {@code comparison.parallel}
 * samples at a time (3), {@code comparison.setups} a comma-separated subset of the setups' slugs
 * (all: {@code eureka-defaults,eureka-fastest,registrykit-defaults,registrykit-fastest}),
 * {@code comparison.cases} a subset of {@code two-at-once,one-killed} (both).
 */
public final class EurekaComparison {

  static final String SERVICE = "OrderShippingService";
  static final Duration CAP = Duration.ofMinutes(Long.getLong("comparison.capMinutes", 6));
  static final Duration QUIET = Duration.ofSeconds(15);
  static final int SAMPLES = Integer.getInteger("comparison.samples", 5);
  static final int PARALLEL = Integer.getInteger("comparison.parallel", 3);
  /** Where the Eureka server of a sample tells its renewal state (see {@link Renewals}). */
  static final String RENEWALS = "/comparison/renewals";

  private EurekaComparison() {
  }

  /** The Eureka server, with {@link Renewals} beside it. */
  @SpringBootConfiguration
  @EnableAutoConfiguration
  @EnableEurekaServer
  @Import(Renewals.class)
  static class Server {
  }

  /** What the server's self-preservation sees: read by the harness once a second while it observes. */
  @RestController
  static class Renewals {
    private final PeerAwareInstanceRegistry registry;

    Renewals(PeerAwareInstanceRegistry registry) {
      this.registry = registry;
    }

    @GetMapping(RENEWALS)
    String renewals() {
      return "threshold=" + registry.getNumOfRenewsPerMinThreshold() + " renewsLastMin=" + registry.getNumOfRenewsInLastMin()
          + " expiry=" + (registry.isLeaseExpirationEnabled() ? "on" : "off")
          + " selfPreservation=" + (registry.isSelfPreservationModeEnabled() ? "on" : "off");
    }
  }

  /** A provider or the consumer: what the starters on the classpath make of it. */
  @SpringBootConfiguration
  @EnableAutoConfiguration
  static class App {
  }

  /** One system at one group of settings. */
  record Setup(String name, boolean eureka, List<String> server, List<String> client, List<String> consumer) {
    String slug() {
      return name.replaceAll("[^A-Za-z]+", "-").toLowerCase(Locale.ROOT);
    }
  }

  /** What happens to the providers at the instant the observation starts. */
  enum Case {
    TWO_AT_ONCE("two-at-once", "one killed and one stopped at once"),
    ONE_KILLED("one-killed", "one of three killed");

    final String slug;
    final String description;

    Case(String slug, String description) {
      this.slug = slug;
      this.description = description;
    }
  }

  /**
   * One sample: seconds from the kill until the consumer stopped choosing the crashed and the stopped
   * provider ({@code null}: still chosen at the end of the window; stopped is {@code null} too in the
   * one-killed case), the window observed, the self-preservation trace (Eureka) and a failure, if any.
   */
  record Result(Setup setup, Case kase, int sample, Double crashed, Double stopped, double window, String renewals,
      String failure) {
    String line() {
      return String.format(Locale.ROOT, "sample | %s | %s | #%d | crash %s | stop %s | %s%s", setup.name(), kase.slug,
          sample, seconds(crashed, window), kase == Case.ONE_KILLED ? "-" : seconds(stopped, window),
          renewals.isEmpty() ? "" : "renewals: " + renewals, failure == null ? "" : " | FAILED: " + failure);
    }
  }

  /** Runs the comparison and prints each sample as it ends, then the figure as a Markdown table. */
  public static void main(String[] args) throws Exception {
    String image = System.getenv().getOrDefault("REGISTRYKIT_ETCD_IMAGE", "gcr.io/etcd-development/etcd:v3.5.21");
    try (GenericContainer<?> etcd = new GenericContainer<>(image)
        .withCommand("etcd", "--name=comparison", "--data-dir=/tmp/etcd-data",
            "--listen-client-urls=http://0.0.0.0:2379", "--advertise-client-urls=http://127.0.0.1:2379")
        .withExposedPorts(2379).withLabel("dev.registrykit", "true")
        .waitingFor(Wait.forLogMessage(".*ready to serve client requests.*", 1))) {
      etcd.start();
      String endpoint = "http://" + etcd.getHost() + ":" + etcd.getMappedPort(2379);
      List<Setup> setups = List.of(
          new Setup("Eureka, defaults", true, List.of(), List.of(), List.of()),
          new Setup("Eureka, fastest", true,
              List.of("eureka.server.enable-self-preservation=false", "eureka.server.eviction-interval-timer-in-ms=1000",
                  "eureka.server.response-cache-update-interval-ms=1000", "eureka.server.use-read-only-response-cache=false"),
              List.of("eureka.instance.lease-renewal-interval-in-seconds=1",
                  "eureka.instance.lease-expiration-duration-in-seconds=2"),
              List.of("eureka.client.registry-fetch-interval-seconds=1", "spring.cloud.loadbalancer.cache.enabled=false")),
          new Setup("registrykit, defaults", false, List.of(), List.of("registrykit.endpoints=" + endpoint), List.of()),
          new Setup("registrykit, fastest", false, List.of(),
              List.of("registrykit.endpoints=" + endpoint, "registrykit.ttl=2s"), List.of()));
      List<String> chosenSetups = List.of(System.getProperty("comparison.setups",
          "eureka-defaults,eureka-fastest,registrykit-defaults,registrykit-fastest").split(","));
      List<String> chosenCases = List.of(System.getProperty("comparison.cases", "two-at-once,one-killed").split(","));
      System.out.printf(Locale.ROOT, "%d samples per setup and case, window %s after the kill, %d at a time%n", SAMPLES, CAP,
          PARALLEL);
      ExecutorService runs = Executors.newFixedThreadPool(PARALLEL);
      Map<String, List<Future<Result>>> results = new LinkedHashMap<>();
      // in the order of the setups, so that Eureka's defaults (which may use the whole window) start first
      for (Setup setup : setups) {
        for (Case kase : Case.values()) {
          if (chosenSetups.contains(setup.slug()) && chosenCases.contains(kase.slug)) {
            for (int sample = 1; sample <= SAMPLES; sample++) {
              int n = sample;
              results.computeIfAbsent(setup.name() + " | " + kase.description, k -> new ArrayList<>())
                  .add(runs.submit(() -> attempts(setup, kase, n)));
            }
          }
        }
      }
      List<String> rows = new ArrayList<>();
      for (Map.Entry<String, List<Future<Result>>> entry : results.entrySet()) {
        List<Result> samples = new ArrayList<>();
        for (Future<Result> result : entry.getValue()) {
          samples.add(result.get());
        }
        rows.add("| " + entry.getKey() + " | " + summary(samples.stream().map(Result::crashed).toList(), samples)
            + " | " + (samples.get(0).kase() == Case.ONE_KILLED ? "-"
            : summary(samples.stream().map(Result::stopped).toList(), samples)) + " |");
      }
      System.out.println();
      System.out.println("| setup | case | crash (SIGKILL) to not chosen: min / median / max | clean shutdown to not chosen |");
      System.out.println("| --- | --- | --- | --- |");
      rows.forEach(System.out::println);
      runs.shutdown();
      runs.awaitTermination(1, TimeUnit.MINUTES);
    }
    System.exit(0); // Eureka's and Jersey's non-daemon threads
  }

  /**
   * A sample, tried up to {@link #ATTEMPTS} times while it fails before the kill (on this shared machine a
   * provider's first call can time out while four JVMs start at once); every failed attempt is printed.
   */
  static Result attempts(Setup setup, Case kase, int sample) throws InterruptedException, IOException {
    Result result = null;
    for (int attempt = 1; attempt <= ATTEMPTS && (result == null || result.failure() != null); attempt++) {
      result = print(run(setup, kase, sample));
    }
    return result;
  }

  static final int ATTEMPTS = 3;

  static synchronized Result print(Result result) {
    System.out.println(result.line());
    return result;
  }

  static Result run(Setup setup, Case kase, int sample) throws InterruptedException, IOException {
    List<Process> children = new ArrayList<>();
    ConfigurableApplicationContext consumer = null;
    URI renewals = null;
    try {
      String slug = setup.slug() + "-" + kase.slug + "-" + sample + "-" + System.nanoTime() % 100_000;
      List<String> common = new ArrayList<>(List.of("server.port=0", "server.address=127.0.0.1",
          "spring.main.banner-mode=off", "logging.level.root=WARN", "spring.application.name=" + SERVICE));
      if (setup.eureka()) {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
          port = socket.getLocalPort();
        }
        children.add(child(slug + "-server", "server", concat(List.of("server.port=" + port,
            "server.address=127.0.0.1", "spring.main.banner-mode=off", "logging.level.root=WARN",
            "logging.level.com.netflix.eureka.registry=INFO", // its evictions, in the server's log
            "spring.application.name=eureka", "eureka.client.register-with-eureka=false",
            "eureka.client.fetch-registry=false", "eureka.client.jersey.enabled=false",
            "eureka.client.service-url.defaultZone=http://127.0.0.1:" + port + "/eureka/",
            "spring.autoconfigure.exclude=" + REGISTRYKIT), setup.server())));
        awaitUp(URI.create("http://127.0.0.1:" + port + "/eureka/apps"));
        renewals = URI.create("http://127.0.0.1:" + port + RENEWALS);
        common.addAll(List.of("eureka.client.service-url.defaultZone=http://127.0.0.1:" + port + "/eureka/",
            "eureka.client.jersey.enabled=false", "eureka.instance.prefer-ip-address=true",
            "eureka.instance.ip-address=127.0.0.1", "spring.autoconfigure.exclude=" + REGISTRYKIT));
      } else {
        common.addAll(List.of("eureka.client.enabled=false", "registrykit.namespace=/comparison-" + slug));
      }
      Process crashed = child(slug + "-crashed", "app", concat(common, setup.client(), provider("crashed")));
      Process stopped = child(slug + "-stopped", "app", concat(common, setup.client(), provider("stopped")));
      children.addAll(List.of(crashed, stopped, child(slug + "-stays", "app", concat(common, setup.client(), provider("stays")))));
      consumer = new SpringApplicationBuilder(App.class).properties(concat(common, setup.client(), setup.consumer(),
          setup.eureka() ? List.of("eureka.client.register-with-eureka=false")
              : List.of("registrykit.discovery.register=false")).toArray(String[]::new)).run();
      LoadBalancerClient balancer = consumer.getBean(LoadBalancerClient.class);

      long warmUp = System.nanoTime();
      while (!chosen(balancer).containsAll(List.of("crashed", "stopped", "stays"))) {
        if (System.nanoTime() - warmUp > CAP.toNanos()) {
          return new Result(setup, kase, sample, null, null, 0, "", "the consumer never saw all three");
        }
        if (!children.stream().allMatch(Process::isAlive)) {
          return new Result(setup, kase, sample, null, null, 0, "", "a child JVM ended before the kill (its log: "
              + Path.of("target", "comparison-logs", slug + "-*.log") + ")");
        }
        Thread.sleep(100);
      }
      Trace trace = new Trace(renewals);
      long start = System.nanoTime();
      trace.read(start);
      crashed.destroyForcibly(); // SIGKILL: no deregistration, no last heartbeat
      Map<String, Long> lastChosen = new LinkedHashMap<>(Map.of("crashed", start));
      if (kase == Case.TWO_AT_ONCE) {
        stopped.destroy(); // SIGTERM: Spring closes the context, which deregisters
        lastChosen.put("stopped", start);
      }
      for (long polls = 0; ; polls++) {
        long now = System.nanoTime();
        for (String id : chosen(balancer)) {
          lastChosen.computeIfPresent(id, (k, v) -> now);
        }
        if (polls % 10 == 0) {
          trace.read(start);
        }
        boolean quiet = lastChosen.values().stream().allMatch(t -> now - t > QUIET.toNanos());
        if (quiet || now - start > CAP.toNanos()) {
          trace.read(start);
          return new Result(setup, kase, sample, gone(lastChosen.get("crashed"), start, now),
              lastChosen.containsKey("stopped") ? gone(lastChosen.get("stopped"), start, now) : null,
              (now - start) / 1e9, trace.toString(), null);
        }
        Thread.sleep(100);
      }
    } catch (RuntimeException e) {
      e.printStackTrace();
      return new Result(setup, kase, sample, null, null, 0, "", e.toString());
    } finally {
      if (consumer != null) {
        consumer.close();
      }
      for (Process child : children) {
        child.destroyForcibly();
        child.waitFor(30, TimeUnit.SECONDS);
      }
    }
  }

  /**
   * The Eureka server's renewal state through one sample: the state at the kill, each change of its
   * threshold or of whether it expires leases, the fewest renewals of the last minute seen, the last
   * state; empty for registrykit (no server).
   */
  static final class Trace {
    private final URI uri;
    private final List<String> changes = new ArrayList<>();
    private String lastKey = "";
    private String last = "";
    private long fewestRenewals = Long.MAX_VALUE;

    Trace(URI uri) {
      this.uri = uri;
    }

    void read(long start) {
      if (uri == null) {
        return;
      }
      String state = get(uri);
      if (state == null) {
        return;
      }
      long at = Math.round((System.nanoTime() - start) / 1e9);
      Map<String, String> values = new LinkedHashMap<>();
      for (String pair : state.trim().split(" ")) {
        String[] kv = pair.split("=", 2);
        values.put(kv[0], kv.length > 1 ? kv[1] : "");
      }
      fewestRenewals = Math.min(fewestRenewals, Long.parseLong(values.getOrDefault("renewsLastMin", "0")));
      String key = values.get("threshold") + "/" + values.get("expiry");
      last = "+" + at + " s: " + state.trim();
      if (!key.equals(lastKey)) {
        changes.add(last);
        lastKey = key;
      }
    }

    @Override
    public String toString() {
      if (uri == null || changes.isEmpty()) {
        return uri == null ? "" : "(server not readable)";
      }
      return String.join("; ", changes) + "; fewest renewsLastMin " + fewestRenewals + "; last " + last;
    }

    private static String get(URI uri) {
      try {
        HttpURLConnection connection = (HttpURLConnection) uri.toURL().openConnection();
        connection.setConnectTimeout(2_000);
        connection.setReadTimeout(2_000);
        try (InputStream in = connection.getInputStream()) {
          return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } finally {
          connection.disconnect();
        }
      } catch (IOException e) {
        return null;
      }
    }
  }

  /** A JVM of its own running the Eureka server or an application: a crash is then a real SIGKILL. */
  static Process child(String name, String kind, List<String> properties) throws IOException {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx256m", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
        Child.class.getName(), kind));
    command.addAll(properties);
    Path logs = Files.createDirectories(Path.of("target", "comparison-logs"));
    return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(logs.resolve(name + ".log").toFile())
        .start();
  }

  static void awaitUp(URI uri) throws InterruptedException {
    long deadline = System.nanoTime() + CAP.toNanos();
    while (System.nanoTime() < deadline) {
      try {
        HttpURLConnection connection = (HttpURLConnection) uri.toURL().openConnection();
        try {
          if (connection.getResponseCode() == 200) {
            return;
          }
        } finally {
          connection.disconnect();
        }
      } catch (IOException e) {
        // not up yet
      }
      Thread.sleep(200);
    }
    throw new IllegalStateException("not up within " + CAP + ": " + uri);
  }

  /** The main class of a child JVM: {@code server} or {@code app}, then its properties. */
  public static final class Child {
    private Child() {
    }

    public static void main(String[] args) {
      new SpringApplicationBuilder("server".equals(args[0]) ? Server.class : App.class)
          .properties(Arrays.copyOfRange(args, 1, args.length)).run();
    }
  }

  static final String REGISTRYKIT = "dev.registrykit.spring.RegistrykitAutoConfiguration";

  static List<String> provider(String id) {
    return List.of("eureka.instance.instance-id=" + id, "registrykit.instance.id=" + id,
        "eureka.client.fetch-registry=false", "registrykit.discovery.enabled=false");
  }

  /** The ids six picks of the load balancer return (round-robin: every instance it still has). */
  static List<String> chosen(LoadBalancerClient balancer) {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      ServiceInstance instance = balancer.choose(SERVICE);
      if (instance != null) {
        ids.add(instance.getInstanceId());
      }
    }
    return ids;
  }

  /** Seconds from the kill until the provider was last chosen, plus one poll; {@code null} if still chosen. */
  static Double gone(long lastChosen, long start, long now) {
    return now - lastChosen <= QUIET.toNanos() ? null : (lastChosen - start) / 1e9 + 0.1;
  }

  static String seconds(Double value, double window) {
    return value == null ? String.format(Locale.ROOT, "still chosen after %.0f s", window)
        : String.format(Locale.ROOT, "%.1f s", value);
  }

  /**
   * min / median / max of {@code values} (seconds; {@code null} for still chosen, which sorts last and
   * prints as at least the shortest window), with the number of samples and of failed ones.
   */
  static String summary(List<Double> values, List<Result> samples) {
    List<Result> measured = samples.stream().filter(r -> r.failure() == null).toList();
    if (measured.isEmpty()) {
      return "all " + samples.size() + " samples failed";
    }
    double window = measured.stream().mapToDouble(Result::window).min().orElse(0);
    List<Double> sorted = new ArrayList<>();
    for (int i = 0; i < samples.size(); i++) {
      if (samples.get(i).failure() == null) {
        sorted.add(values.get(i) == null ? Double.POSITIVE_INFINITY : values.get(i));
      }
    }
    sorted.sort(Double::compare);
    long still = sorted.stream().filter(v -> v.isInfinite()).count();
    String text = at(sorted.get(0), window) + " / " + at(sorted.get(sorted.size() / 2), window) + " / "
        + at(sorted.get(sorted.size() - 1), window);
    return text + " (n=" + sorted.size() + (still > 0 ? ", " + still + " still chosen at the window's end" : "")
        + (sorted.size() < samples.size() ? ", " + (samples.size() - sorted.size()) + " failed" : "") + ")";
  }

  private static String at(double seconds, double window) {
    return Double.isInfinite(seconds) ? String.format(Locale.ROOT, "> %.0f s", window)
        : String.format(Locale.ROOT, "%.1f s", seconds);
  }

  @SafeVarargs
  static List<String> concat(List<String>... parts) {
    List<String> all = new ArrayList<>();
    for (List<String> part : parts) {
      all.addAll(part);
    }
    return all;
  }
}
