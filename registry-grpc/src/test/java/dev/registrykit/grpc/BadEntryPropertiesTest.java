package dev.registrykit.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.registrykit.InvalidEntry;
import dev.registrykit.ServiceCache;
import dev.registrykit.fake.FakeRegistry;
import dev.registrykit.junit.TimeScale;
import io.grpc.ManagedChannel;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * No single entry can stop a caller (issue 28): beside one live server, whatever other keys of the
 * service hold, a {@link ServiceCache} builds and lists every instance the registry reads (and the
 * registry reports the rest as invalid), and a real round-robin channel keeps calling the live
 * server. On the fake; the same entries on etcd are in registry-it's {@code
 * GoNamingInteropIntegrationTest.badEntriesBesideGoodOnesStopNeitherSide}.
 */
class BadEntryPropertiesTest {

  private static final String GREETER = "greeter";
  private static IdServers servers;

  @BeforeContainer
  static void startServer() {
    servers = IdServers.start(1);
  }

  @AfterContainer
  static void stopServer() {
    servers.close();
  }

  @Property(tries = 25)
  void whateverOtherKeysHoldTheCacheListsTheRestAndTheChannelCallsTheLiveServer(
      @ForAll("entries") List<Tuple.Tuple2<String, String>> entries) {
    List<InvalidEntry> reported = new CopyOnWriteArrayList<>();
    try (FakeRegistry registry = FakeRegistry.builder().withInvalidEntryListener(reported::add).build()) {
      registry.register(servers.instance(GREETER, "s-1"));
      for (Tuple.Tuple2<String, String> entry : entries) {
        registry.putRaw(registry.namespace() + "/" + GREETER + "/" + entry.get1(), entry.get2());
      }

      try (ServiceCache cache = ServiceCache.builder(registry, GREETER).build()) {
        assertThat(cache.instances()).containsExactlyInAnyOrderElementsOf(registry.instances(GREETER))
            .contains(servers.instance(GREETER, "s-1"));
        long invalidKeys = reported.stream().map(InvalidEntry::key).distinct()
            .filter(key -> registry.getRaw(key).isPresent()).filter(key -> !isRead(registry, key)).count();
        assertThat(cache.instances().size() - 1 + invalidKeys).as("each key read or reported: %s", reported)
            .isEqualTo(entries.stream().map(Tuple.Tuple2::get1).distinct().count());
      }
      try (Channels channels = new Channels(registry, TimeScale.scaled(Duration.ofSeconds(10)))) {
        ManagedChannel channel = channels.roundRobin(GREETER);
        // the others are left out, or instances where nothing answers: round robin calls the live one
        channels.awaitAnswering(channel, 6, Set.of("s-1"));
      }
    }
  }

  /** Whether the registry lists an instance under {@code key} (a key first written bad, then good, is read). */
  private static boolean isRead(FakeRegistry registry, String key) {
    return registry.instances(GREETER).stream()
        .anyMatch(instance -> key.equals(registry.namespace() + "/" + GREETER + "/" + keySegment(instance.instanceId())));
  }

  /** The key segment of an id: each %XX is one UTF-8 byte. */
  private static String keySegment(String id) {
    return java.net.URLDecoder.decode(id.replace("+", "%2B"), java.nio.charset.StandardCharsets.UTF_8);
  }

  @Provide
  Arbitrary<List<Tuple.Tuple2<String, String>>> entries() {
    Arbitrary<String> segment = Arbitraries.oneOf(
        Arbitraries.of("127.0.0.1:1", "[::1]:50051", "e1", "héte:1", "x%3Ay", "sub/e2", "é".repeat(65), "a\uD800"),
        Arbitraries.strings().withChars("abc019._-:[]%").ofMinLength(1).ofMaxLength(12));
    Arbitrary<String> value = Arbitraries.oneOf(
        Arbitraries.of("{\"Op\":0,\"Addr\":\"127.0.0.1:0\"}", "{\"Op\":0,\"Addr\":\"127.0.0.1:65536\"}",
            "{\"Op\":0,\"Addr\":\"[fe80::1%nosuch9]:5000\"}", "{\"Op\":0,\"Addr\":\"héte.invalid:1\"}",
            "{\"Addr\":\"127.0.0.1\",\"Metadata\":[1,{\"a\":null}]}", "{\"Addr\":5}", "{\"Addr\":null}", "[]", "null",
            "{\"Name\":\"greeter\",\"Address\":\"http://héte.invalid:5000\"}",
            "{\"Name\":\"greeter\",\"Address\":\"http://[fe80::1%25nosuch9]:5000\"}",
            "{\"Op\":0,\"Addr\":\"" + "h".repeat(1 << 20) + ":1\"}"),
        Arbitraries.strings().all().ofMaxLength(40));
    return Combinators.combine(segment, value).as(Tuple::of).list().ofMinSize(1).ofMaxSize(4);
  }
}
