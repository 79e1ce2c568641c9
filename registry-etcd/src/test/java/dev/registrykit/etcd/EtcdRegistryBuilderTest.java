package dev.registrykit.etcd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** Settings that need no etcd: validation and messages. */
class EtcdRegistryBuilderTest {

  @Test
  void endpointsMustBeHttpWithHostAndPort() {
    assertThatThrownBy(() -> EtcdRegistry.builder().withEndpoints("localhost:2379"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("endpoint must be an http(s) URI with host and port, such as http://localhost:2379, but was: \"localhost:2379\"");
    assertThatThrownBy(() -> EtcdRegistry.builder().withEndpoints("http://localhost"))
        .hasMessageContaining("but was: \"http://localhost\"");
    assertThatThrownBy(() -> EtcdRegistry.builder().withEndpoints((String) null))
        .isInstanceOf(NullPointerException.class).hasMessage("endpoint must not be null");
  }

  @Test
  void timeoutsAndTtlsMustBePositive() {
    assertThatThrownBy(() -> EtcdRegistry.builder().withCallTimeout(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("callTimeout must be positive but was: PT0S");
    assertThatThrownBy(() -> EtcdRegistry.builder().withDefaultTtl(Duration.ofMillis(500)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("defaultTtl must be a positive whole number of seconds but was: PT0.5S");
    assertThatThrownBy(() -> EtcdRegistry.builder().withNamespace("services/"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("but was: \"services/\"");
  }

  @Test
  void needsEndpointsOrAClientButNotBoth() {
    assertThatThrownBy(() -> EtcdRegistry.builder().build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("no etcd to talk to: call withEndpoints(\"http://localhost:2379\") or withClient(client)");
    io.etcd.jetcd.Client client = io.etcd.jetcd.Client.builder().endpoints("http://127.0.0.1:1").build();
    try {
      assertThatThrownBy(() -> EtcdRegistry.builder().withClient(client).withEndpoints("http://h:1").build())
          .isInstanceOf(IllegalStateException.class)
          .hasMessage("withClient excludes withEndpoints, withAuth and withTls (configure those on the client) "
              + "but endpoints [http://h:1] were given too");
    } finally {
      client.close();
    }
  }

  @Test
  void buildingDoesNotContactEtcdAndCallsFailAsUnavailable() {
    try (EtcdRegistry registry = EtcdRegistry.builder().withEndpoints("http://127.0.0.1:1")
        .withCallTimeout(Duration.ofMillis(300)).build()) { // time: load-free (port 1 refuses: unavailable whether refused or timed out)
      assertThatThrownBy(() -> registry.instances("orders"))
          .isInstanceOf(dev.registrykit.RegistryUnavailableException.class)
          .hasMessageStartingWith("instances (get /services/orders/*) failed: etcd at [http://127.0.0.1:1]");
    }
  }

  @Test
  void recoveryIsRequired() {
    // the bounds of Recovery.withBackoff are checked by the type itself (registry-api's RecoveryTest)
    assertThatThrownBy(() -> EtcdRegistry.builder().withRecovery(null))
        .isInstanceOf(NullPointerException.class).hasMessage("recovery must not be null");
  }

  @Test
  void tlsFilesMustExistAndGoTogether() {
    assertThatThrownBy(() -> Tls.trusting(Path.of("/nonexistent/ca.pem")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("caFile must be a readable file but was: /nonexistent/ca.pem");
    assertThatThrownBy(() -> new Tls(Path.of("pom.xml"), java.util.Optional.of(Path.of("pom.xml")), java.util.Optional.empty()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("clientCertificateFile and clientKeyFile go together but only the certificate was given");
  }

  @Test
  void tlsNeedsHttpsEndpointsAndHttpsNeedsTls() {
    Tls tls = Tls.trusting(Path.of("pom.xml"));
    assertThatThrownBy(() -> EtcdRegistry.builder().withEndpoints("http://etcd-1:2379").withTls(tls).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("withTls needs https:// endpoints but was given: http://etcd-1:2379; write https://etcd-1:2379, "
            + "or drop withTls to talk plain http");
    assertThatThrownBy(() -> EtcdRegistry.builder().withEndpoints("https://etcd-1:2379").build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("https:// endpoints need withTls(Tls.trusting(caFile)) but none was given for: "
            + "https://etcd-1:2379; add it, or write http://etcd-1:2379 if etcd does not use TLS");
    assertThatThrownBy(() -> EtcdRegistry.builder().withEndpoints("https://etcd-1:2379", "http://etcd-2:2379")
        .withTls(tls).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("endpoints must all be https:// (with withTls) or all http:// (without) but were mixed: "
            + "[https://etcd-1:2379, http://etcd-2:2379]; etcd listens on one scheme, so write them all alike");
    assertThatThrownBy(() -> EtcdRegistry.builder().withEndpoints("https://etcd-1:2379").withTls(tls).build())
        .as("https with TLS passes the scheme check, and reaches the TLS setup, which reads the CA file")
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("tls could not be set up from " + tls + ": File does not contain valid certificates: pom.xml");
  }

  @Test
  void configFromTheEnvironmentAsInTheOrigin() {
    RegistrationConfig config = RegistrationConfig.fromEnvironment(Map.of(
        "REGISTRYKIT_ENDPOINTS", "http://etcd-1:2379, http://etcd-2:2379",
        "REGISTRYKIT_SERVICE_NAME", "OrderShippingService",
        "REGISTRYKIT_SERVICE_ADDRESS", "http://localhost:5000",
        "REGISTRYKIT_INSTANCE_ID", "i-7",
        "REGISTRYKIT_TTL", "15"));

    assertThat(config.endpoints()).containsExactly("http://etcd-1:2379", "http://etcd-2:2379");
    assertThat(config.instance()).isEqualTo(
        dev.registrykit.ServiceInstance.of("OrderShippingService", "i-7", "http://localhost:5000"));
    assertThat(config.ttl()).isEqualTo(Duration.ofSeconds(15));
    assertThat(config.namespace()).isEqualTo("/services");
  }

  @Test
  void configFromPropertiesWithDefaults() {
    Properties properties = new Properties();
    properties.setProperty("registrykit.service.name", "orders");
    properties.setProperty("registrykit.service.address", "http://10.0.0.7:5000");
    properties.setProperty("registrykit.ttl", "PT45S");

    RegistrationConfig config = RegistrationConfig.fromProperties(properties);

    assertThat(config.endpoints()).containsExactly("http://localhost:2379");
    assertThat(config.ttl()).isEqualTo(Duration.ofSeconds(45));
    assertThat(config.instance().instanceId()).hasSize(36); // a random UUID
  }

  @Test
  void configFromCodeThroughTheBuilder() {
    RegistrationConfig config = RegistrationConfig.builder()
        .withEndpoints("http://etcd-1:2379", "http://etcd-2:2379")
        .withNamespace("/registry")
        .withServiceName("OrderShippingService")
        .withServiceAddress("http://10.0.0.7:5000")
        .withInstanceId("i-7")
        .withTtl(Duration.ofSeconds(15))
        .build();

    assertThat(config).isEqualTo(new RegistrationConfig(List.of("http://etcd-1:2379", "http://etcd-2:2379"),
        "/registry", dev.registrykit.ServiceInstance.of("OrderShippingService", "i-7", "http://10.0.0.7:5000"),
        Duration.ofSeconds(15)));
  }

  @Test
  void configFromCodeWithTheOriginsDefaults() {
    RegistrationConfig config = RegistrationConfig.builder()
        .withServiceName("OrderShippingService").withServiceAddress("http://localhost:5000").build();
    RegistrationConfig another = RegistrationConfig.builder()
        .withServiceName("OrderShippingService").withServiceAddress("http://localhost:5000").build();

    assertThat(config.endpoints()).containsExactly("http://localhost:2379");
    assertThat(config.namespace()).isEqualTo("/services");
    assertThat(config.ttl()).isEqualTo(Duration.ofSeconds(30));
    assertThat(config.instance().serviceName()).isEqualTo("OrderShippingService");
    assertThat(config.instance().address()).hasToString("http://localhost:5000");
    assertThat(java.util.UUID.fromString(config.instance().instanceId())).as("a random UUID").hasToString(
        config.instance().instanceId());
    assertThat(another.instance().instanceId()).as("one per builder").isNotEqualTo(config.instance().instanceId());
  }

  @Test
  void configNamesWhatIsMissingOrWrong() {
    assertThatThrownBy(() -> RegistrationConfig.fromEnvironment(Map.of("REGISTRYKIT_SERVICE_ADDRESS", "http://h:1")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("REGISTRYKIT_SERVICE_NAME is not set: the service to register, such as OrderShippingService");
    Properties properties = new Properties();
    properties.setProperty("registrykit.service.name", "orders");
    assertThatThrownBy(() -> RegistrationConfig.fromProperties(properties))
        .hasMessage("registrykit.service.address is not set: where this instance is reached, such as http://10.0.0.7:5000");
    assertThatThrownBy(() -> RegistrationConfig.fromEnvironment(Map.of("REGISTRYKIT_SERVICE_NAME", "orders",
        "REGISTRYKIT_SERVICE_ADDRESS", "http://h:1", "REGISTRYKIT_TTL", "30 seconds")))
        .hasMessage("REGISTRYKIT_TTL must be seconds (30), a number with a unit (500ms, 5s) or an ISO-8601 duration "
            + "(PT30S) but was: \"30 seconds\"");
    assertThatThrownBy(() -> RegistrationConfig.builder().withServiceName("orders").withServiceAddress("h:1").build())
        .hasMessageStartingWith("address must be an absolute URI with a host");
  }

  @Test
  void authTlsAndTheCallTimeoutAreReadWithTheStartersKeys() {
    String file = Path.of("pom.xml").toString(); // readable; the PEM files are read when the registry is built
    Map<String, String> environment = with(Map.of(
        "REGISTRYKIT_ENDPOINTS", "https://etcd:2379",
        "REGISTRYKIT_SERVICE_NAME", "orders",
        "REGISTRYKIT_SERVICE_ADDRESS", "http://10.0.0.7:5000",
        "REGISTRYKIT_TTL", "10s",
        "REGISTRYKIT_CALL_TIMEOUT", "1500ms",
        "REGISTRYKIT_AUTH_USER", "orders",
        "REGISTRYKIT_AUTH_PASSWORD", "orders-secret",
        "REGISTRYKIT_TLS_CA_FILE", file,
        "REGISTRYKIT_TLS_CLIENT_CERTIFICATE_FILE", file,
        "REGISTRYKIT_TLS_CLIENT_KEY_FILE", file), "REGISTRYKIT_INSTANCE_ID", "orders-1");

    RegistrationConfig config = RegistrationConfig.fromEnvironment(environment);
    Properties properties = new Properties();
    environment.forEach((variable, value) -> properties.setProperty(switch (variable) {
      case "REGISTRYKIT_CALL_TIMEOUT" -> "registrykit.call-timeout";
      case "REGISTRYKIT_TLS_CA_FILE" -> "registrykit.tls.ca-file";
      case "REGISTRYKIT_TLS_CLIENT_CERTIFICATE_FILE" -> "registrykit.tls.client-certificate-file";
      case "REGISTRYKIT_TLS_CLIENT_KEY_FILE" -> "registrykit.tls.client-key-file";
      default -> variable.toLowerCase(java.util.Locale.ROOT).replace('_', '.');
    }, value));

    assertThat(config.ttl()).isEqualTo(Duration.ofSeconds(10));
    assertThat(config.callTimeout()).isEqualTo(Duration.ofMillis(1500));
    assertThat(config.auth()).contains(new RegistrationConfig.Auth("orders", "orders-secret"));
    assertThat(config.tls()).contains(Tls.trusting(Path.of(file)).withClientCertificate(Path.of(file), Path.of(file)));
    assertThat(config.toString()).doesNotContain("orders-secret").contains("password=(hidden)");
    assertThat(RegistrationConfig.fromProperties(properties)).isEqualTo(config);
  }

  @Test
  void aBadSecuritySettingNamesItsKey() {
    Map<String, String> base = Map.of("REGISTRYKIT_SERVICE_NAME", "orders", "REGISTRYKIT_SERVICE_ADDRESS", "http://h:1");
    assertThatThrownBy(() -> RegistrationConfig.fromEnvironment(with(base, "REGISTRYKIT_AUTH_USER", "orders")))
        .hasMessage("REGISTRYKIT_AUTH_USER and REGISTRYKIT_AUTH_PASSWORD go together but only REGISTRYKIT_AUTH_USER is set");
    assertThatThrownBy(() -> RegistrationConfig.fromEnvironment(with(base, "REGISTRYKIT_CALL_TIMEOUT", "5")))
        .hasMessageStartingWith("REGISTRYKIT_CALL_TIMEOUT must be a number with a unit (500ms, 5s)");
    assertThatThrownBy(() -> RegistrationConfig.fromEnvironment(with(base, "REGISTRYKIT_CALL_TIMEOUT", "0s")))
        .hasMessage("REGISTRYKIT_CALL_TIMEOUT: callTimeout must be positive but was: PT0S");
    assertThatThrownBy(() -> RegistrationConfig.fromEnvironment(with(base, "REGISTRYKIT_TLS_CA_FILE", "no-such.pem")))
        .hasMessageStartingWith("REGISTRYKIT_TLS_CA_FILE must name a readable file but was: ");
    assertThatThrownBy(() -> RegistrationConfig.fromEnvironment(with(base, "REGISTRYKIT_TLS_CLIENT_KEY_FILE", "pom.xml")))
        .hasMessage("REGISTRYKIT_TLS_CLIENT_KEY_FILE needs REGISTRYKIT_TLS_CA_FILE as well: the CA that signed etcd's certificate");
    Properties properties = new Properties();
    base.forEach((variable, value) -> properties.setProperty(variable.toLowerCase(java.util.Locale.ROOT).replace('_', '.'), value));
    properties.setProperty("registrykit.endpoints", "etcd:2379");
    assertThatThrownBy(() -> RegistrationConfig.fromProperties(properties))
        .hasMessageStartingWith("registrykit.endpoints: endpoint must be an http(s) URI");
  }

  private static Map<String, String> with(Map<String, String> base, String key, String value) {
    Map<String, String> result = new java.util.HashMap<>(base);
    result.put(key, value);
    return result;
  }
}
