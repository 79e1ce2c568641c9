package dev.registrykit.eurekacomparison;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
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
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;

/**
 * Eureka (server and client from Maven Central) beside registrykit, in one run, each at its defaults
 * and at its fastest documented settings: three providers of a service, each a JVM of its own, and a
 * consumer per setup; at the same instant one provider is killed (SIGKILL: no deregistration) and one
 * is stopped (SIGTERM: Spring closes it, which deregisters); the
 * consumer's Spring Cloud LoadBalancer is asked every 100 ms and the time until it stops choosing
 * each of them is printed. The setups run two at a time, in one JVM, on one etcd container.
 */
public final class EurekaComparison {

  static final String SERVICE = "OrderShippingService";
  static final Duration CAP = Duration.ofMinutes(Long.getLong("comparison.capMinutes", 6));
  static final Duration QUIET = Duration.ofSeconds(15);

  private EurekaComparison() {
  }

  /** The Eureka server. */
  @SpringBootConfiguration
  @EnableAutoConfiguration
  @EnableEurekaServer
  static class Server {
  }

  /** A provider or the consumer: what the starters on the classpath make of it. */
  @SpringBootConfiguration
  @EnableAutoConfiguration
  static class App {
  }

  /** One system at one group of settings. */
  record Setup(String name, boolean eureka, List<String> server, List<String> client, List<String> consumer) {
  }

  /** When the consumer stopped choosing the crashed and the stopped provider, after both happened at once. */
  record Result(Setup setup, String crashed, String stopped) {
  }

  /** Runs the comparison and prints the figure as a Markdown table. */
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
          new Setup("registrykit, defaults", false, List.of(),
              List.of("registrykit.endpoints=" + endpoint, "registrykit.namespace=/comparison-defaults"),
              List.of()),
          new Setup("registrykit, fastest", false, List.of(),
              List.of("registrykit.endpoints=" + endpoint, "registrykit.namespace=/comparison-fastest", "registrykit.ttl=2s"),
              List.of()));
      ExecutorService runs = Executors.newFixedThreadPool(2); // Eureka's defaults on one thread, the rest after each other
      List<Future<Result>> results = new ArrayList<>();
      for (Setup setup : setups) {
        results.add(runs.submit(() -> run(setup)));
      }
      System.out.println();
      System.out.println("| setup | crash (no deregistration) to not chosen | clean shutdown to not chosen |");
      System.out.println("| --- | --- | --- |");
      for (Future<Result> result : results) {
        Result r = result.get();
        System.out.println("| " + r.setup().name() + " | " + r.crashed() + " | " + r.stopped() + " |");
      }
      runs.shutdown();
      runs.awaitTermination(1, TimeUnit.MINUTES);
    }
    System.exit(0); // Eureka's and Jersey's non-daemon threads
  }

  static Result run(Setup setup) throws InterruptedException, IOException {
    List<Process> children = new ArrayList<>();
    ConfigurableApplicationContext consumer = null;
    try {
      String slug = setup.name().replaceAll("[^A-Za-z]+", "-").toLowerCase(java.util.Locale.ROOT);
      List<String> common = new ArrayList<>(List.of("server.port=0", "server.address=127.0.0.1",
          "spring.main.banner-mode=off", "logging.level.root=WARN", "spring.application.name=" + SERVICE));
      if (setup.eureka()) {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
          port = socket.getLocalPort();
        }
        children.add(child(slug + "-server", "server", concat(List.of("server.port=" + port,
            "server.address=127.0.0.1", "spring.main.banner-mode=off", "logging.level.root=WARN",
            "spring.application.name=eureka", "eureka.client.register-with-eureka=false",
            "eureka.client.fetch-registry=false", "eureka.client.jersey.enabled=false",
            "eureka.client.service-url.defaultZone=http://127.0.0.1:" + port + "/eureka/",
            "spring.autoconfigure.exclude=" + REGISTRYKIT), setup.server())));
        awaitUp(URI.create("http://127.0.0.1:" + port + "/eureka/apps"));
        common.addAll(List.of("eureka.client.service-url.defaultZone=http://127.0.0.1:" + port + "/eureka/",
            "eureka.client.jersey.enabled=false", "eureka.instance.prefer-ip-address=true",
            "eureka.instance.ip-address=127.0.0.1", "spring.autoconfigure.exclude=" + REGISTRYKIT));
      } else {
        common.add("eureka.client.enabled=false");
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
          return new Result(setup, "consumer never saw all three", "-");
        }
        Thread.sleep(100);
      }
      long start = System.nanoTime();
      crashed.destroyForcibly(); // SIGKILL: no deregistration, no last heartbeat
      stopped.destroy();         // SIGTERM: Spring closes the context, which deregisters
      Map<String, Long> lastChosen = new LinkedHashMap<>(Map.of("crashed", start, "stopped", start));
      while (true) {
        long now = System.nanoTime();
        for (String id : chosen(balancer)) {
          lastChosen.computeIfPresent(id, (k, v) -> now);
        }
        boolean quiet = lastChosen.values().stream().allMatch(t -> now - t > QUIET.toNanos());
        if (quiet || now - start > CAP.toNanos()) {
          return new Result(setup, describe(lastChosen.get("crashed"), start, now),
              describe(lastChosen.get("stopped"), start, now));
        }
        Thread.sleep(100);
      }
    } catch (RuntimeException e) {
      e.printStackTrace();
      return new Result(setup, "failed: " + e, "-");
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

  static String describe(long lastChosen, long start, long now) {
    if (now - lastChosen <= QUIET.toNanos()) {
      return "still chosen after " + Duration.ofNanos(now - start).toSeconds() + " s";
    }
    return String.format("%.1f s", (lastChosen - start) / 1e9 + 0.1);
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
