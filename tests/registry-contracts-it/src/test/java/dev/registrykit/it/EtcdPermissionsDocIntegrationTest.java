package dev.registrykit.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.registrykit.CacheState;
import dev.registrykit.Candidacy;
import dev.registrykit.Leader;
import dev.registrykit.Registration;
import dev.registrykit.RegistrationState;
import dev.registrykit.RegistryException;
import dev.registrykit.ServiceCache;
import dev.registrykit.ServiceInstance;
import dev.registrykit.etcd.EtcdRegistry;
import dev.registrykit.junit.TimeScale;
import io.etcd.jetcd.Auth;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.auth.Permission;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * docs/etcd-permissions.md is enough and exact: its {@code etcdctl role grant-permission} lines,
 * applied as they are to an etcd with auth on, let a registering service, a discovering caller and an
 * election participant (each its own user with one role) do their work, and the discovering caller
 * no more than that.
 */
class EtcdPermissionsDocIntegrationTest {

  private static final Pattern GRANT = Pattern.compile(
      "^\\s*etcdctl role grant-permission (\\S+) (read|write|readwrite) --prefix=true (\\S+)\\s*$", Pattern.MULTILINE);
  private static final ServiceInstance A = ServiceInstance.of("orders", "a", "http://10.0.0.1:5000");

  @Test
  void theGrantsOfThePageLetEachKindOfServiceWorkAndNoMore() throws Exception {
    Map<String, List<String[]>> grants = grantsOfThePage();
    assertThat(grants).as("roles of docs/etcd-permissions.md").containsOnlyKeys("registrar", "discoverer", "elector");
    try (EtcdWipeableEtcd etcd = new EtcdWipeableEtcd()) {
      try (Client client = Client.builder().endpoints(etcd.endpoint()).build()) {
        Auth auth = client.getAuthClient();
        auth.userAdd(bytes("root"), bytes("root-secret")).get(Bounds.answerNanos(), TimeUnit.NANOSECONDS);
        auth.userGrantRole(bytes("root"), bytes("root")).get(Bounds.answerNanos(), TimeUnit.NANOSECONDS);
        for (Map.Entry<String, List<String[]>> role : grants.entrySet()) {
          auth.roleAdd(bytes(role.getKey())).get(Bounds.answerNanos(), TimeUnit.NANOSECONDS);
          for (String[] grant : role.getValue()) {
            auth.roleGrantPermission(bytes(role.getKey()), bytes(grant[1]), bytes(prefixEnd(grant[1])),
                Permission.Type.valueOf(grant[0].toUpperCase(java.util.Locale.ROOT))).get(Bounds.answerNanos(), TimeUnit.NANOSECONDS);
          }
          auth.userAdd(bytes(role.getKey()), bytes(role.getKey() + "-secret")).get(Bounds.answerNanos(), TimeUnit.NANOSECONDS);
          auth.userGrantRole(bytes(role.getKey()), bytes(role.getKey())).get(Bounds.answerNanos(), TimeUnit.NANOSECONDS);
        }
        auth.authEnable().get(Bounds.answerNanos(), TimeUnit.NANOSECONDS);
      }

      try (EtcdRegistry registrar = registryOf(etcd, "registrar");
           EtcdRegistry discoverer = registryOf(etcd, "discoverer");
           EtcdRegistry elector = registryOf(etcd, "elector")) {
        Registration registration = registrar.register(A, Duration.ofSeconds(3));

        assertThat(discoverer.instances("orders")).containsExactly(A);
        assertThat(discoverer.services()).containsExactly("orders");
        try (ServiceCache cache = discoverer.cache("orders")) {
          assertThat(cache.state()).isEqualTo(CacheState.CURRENT);
          assertThat(cache.instances()).containsExactly(A);
        }
        assertThatThrownBy(() -> discoverer.register(ServiceInstance.of("orders", "b", "http://10.0.0.2:5000")))
            .as("the discoverer's read-only grant").isInstanceOf(RegistryException.class)
            .hasMessageContaining("PERMISSION_DENIED").hasMessageContaining("/services/orders/b");
        assertThatThrownBy(() -> registrar.election("migrations").leader())
            .as("the registrar has no grant of the elections").hasMessageContaining("/services-elections/");

        try (Candidacy candidacy = elector.election("migrations").campaign("m-1", Duration.ofSeconds(3))) {
          assertThat(candidacy.awaitLeadership(TimeScale.scaled(Duration.ofSeconds(5)))).isTrue();
          assertThat(elector.election("migrations").leader()).map(Leader::candidateId).contains("m-1");
        }
        // past a TTL: keep-alive of the registration works with the grant alone
        // waits past a TTL (the check follows); the slack past it is scaled
        Awaitility.await().pollDelay(Duration.ofSeconds(4)).atMost(Duration.ofSeconds(4).plus(TimeScale.scaled(Duration.ofSeconds(1))))
            .until(() -> true);
        assertThat(registration.state()).isEqualTo(RegistrationState.ACTIVE);
        assertThat(elector.election("migrations").leader()).isEqualTo(Optional.empty());
      }
    }
  }

  /** The {@code grant-permission} lines of the page, by role: {permission, prefix}. */
  private static Map<String, List<String[]>> grantsOfThePage() throws Exception {
    Path page = Path.of("..", "..", "docs", "etcd-permissions.md");
    Matcher grant = GRANT.matcher(Files.readString(page));
    Map<String, List<String[]>> grants = new LinkedHashMap<>();
    while (grant.find()) {
      grants.computeIfAbsent(grant.group(1), role -> new java.util.ArrayList<>())
          .add(new String[] {grant.group(2), grant.group(3)});
    }
    return grants;
  }

  /** The end of the range of keys starting with {@code prefix}, as etcdctl's {@code --prefix=true} makes it. */
  private static String prefixEnd(String prefix) {
    char[] chars = prefix.toCharArray();
    chars[chars.length - 1]++;
    return new String(chars);
  }

  private static EtcdRegistry registryOf(EtcdWipeableEtcd etcd, String user) {
    return EtcdRegistry.builder().withEndpoints(etcd.endpoint()).withAuth(user, user + "-secret")
        .withCallTimeout(TimeScale.scaled(Duration.ofSeconds(2))).build();
  }

  private static ByteSequence bytes(String text) {
    return ByteSequence.from(text, StandardCharsets.UTF_8);
  }
}
