package dev.registrykit.it;

import static dev.registrykit.junit.RegistryAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import dev.registrykit.Candidacy;
import dev.registrykit.Registry;
import dev.registrykit.etcd.EtcdRegistry;
import dev.registrykit.junit.EtcdHandle;
import dev.registrykit.junit.EtcdRegistryTest;
import dev.registrykit.junit.RegistryTime;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.options.GetOption;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Elections across processes: two registries with clients of their own, as two instances of a service. */
@EtcdRegistryTest
class EtcdElectionIntegrationTest {

  @Test
  void anotherProcessTakesOverWhenTheLeadersProcessDies(EtcdHandle etcd, Registry registry, RegistryTime time) {
    String namespace = ((EtcdRegistry) registry).namespace();
    try (EtcdRegistry first = own(etcd, namespace); EtcdRegistry second = own(etcd, namespace)) {
      Candidacy a = first.election("migrations").campaign("instance-a", Duration.ofSeconds(1));
      Candidacy b = second.election("migrations").campaign("instance-b", Duration.ofSeconds(1));
      assertThat(a.awaitLeadership(Duration.ofSeconds(5))).isTrue();
      assertThat(b).isWaiting();

      long start = System.nanoTime();
      first.crash(a);
      assertThat(b.awaitLeadership(Duration.ofSeconds(5))).isTrue();
      System.out.println("leader crashed -> successor leads after " + (System.nanoTime() - start) / 1_000_000
          + " ms (TTL 1 s)");

      assertThat(b.fencingToken().getAsLong()).isGreaterThan(0);
      assertThat(second.election("migrations")).hasLeader("instance-b");
      time.eventually(() -> assertThat(a).isLost());
    }
  }

  @Test
  void theFencingTokenIsTheCreateRevisionOfTheLeadersKey(Registry registry, Client client) throws Exception {
    Candidacy a = registry.election("pollers").campaign("a", Duration.ofSeconds(30));
    assertThat(a.awaitLeadership(Duration.ofSeconds(5))).isTrue();

    String prefix = ((EtcdRegistry) registry).namespace() + "-elections/pollers/";
    List<KeyValue> keys = client.getKVClient().get(ByteSequence.from(prefix, StandardCharsets.UTF_8),
        GetOption.builder().isPrefix(true).build()).get(5, TimeUnit.SECONDS).getKvs();

    assertThat(keys).hasSize(1);
    assertThat(keys.get(0).getValue().toString(StandardCharsets.UTF_8)).isEqualTo("a");
    assertThat(a.fencingToken()).hasValue(keys.get(0).getCreateRevision());
    a.close();
    assertThat(client.getKVClient().get(ByteSequence.from(prefix, StandardCharsets.UTF_8),
        GetOption.builder().isPrefix(true).build()).get(5, TimeUnit.SECONDS).getKvs()).as("keys after resigning").isEmpty();
  }

  private static EtcdRegistry own(EtcdHandle etcd, String namespace) {
    return EtcdRegistry.builder().withEndpoints(etcd.endpoints().get(0).toString()).withNamespace(namespace).build();
  }
}
