package dev.registrykit.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.registrykit.RegistryException;
import dev.registrykit.RegistryUnavailableException;
import dev.registrykit.ServiceInstance;
import dev.registrykit.etcd.EtcdRegistry;
import dev.registrykit.etcd.RegistrationConfig;
import dev.registrykit.etcd.ServiceRegistrar;
import dev.registrykit.etcd.Tls;
import dev.registrykit.junit.TimeScale;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.images.builder.Transferable;

/**
 * etcd as operators run it with TLS: a CA, a server certificate for 127.0.0.1 and localhost, and
 * {@code --client-cert-auth}, all made at test time with the {@code openssl} command. The etcd
 * listens with TLS on one port and in plaintext on another, so every mistake of issue 34 can be
 * made against it: each fails within a second (scaled with the machine's load) with a message that
 * says TLS, names the endpoint and the reason, where it used to fail after the whole 5 s call timeout
 * with "did not answer". Keys registrykit cannot use are refused when given. And the application's
 * way in, {@link RegistrationConfig#fromEnvironment(Map)}, reaches this etcd and one with auth.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EtcdTlsIntegrationTest {

  private static final int TLS_PORT = 2381;
  private static final Duration NAMED_WITHIN = Duration.ofSeconds(1);
  private static final ServiceInstance A = ServiceInstance.of("orders", "a", "http://10.0.0.1:5000");

  private Path dir;
  private EtcdWipeableEtcd etcd;
  private Path ca;
  private Path otherCa;
  private Path clientCertificate;
  private Path clientKey;

  @BeforeAll
  void startEtcdWithTls(@TempDir Path files) throws Exception {
    dir = files;
    ca = authority("ca");
    otherCa = authority("other-ca");
    Path serverCertificate = signed("server", "etcd", "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth");
    clientCertificate = signed("client", "registry", "extendedKeyUsage=clientAuth");
    clientKey = dir.resolve("client-key.pem");
    Map<String, Transferable> copied = Map.of(
        "/tls/ca.pem", Transferable.of(Files.readAllBytes(ca), 0644),
        "/tls/server.pem", Transferable.of(Files.readAllBytes(serverCertificate), 0644),
        "/tls/server-key.pem", Transferable.of(Files.readAllBytes(dir.resolve("server-key.pem")), 0644));
    etcd = new EtcdWipeableEtcd(List.of(
        "--listen-client-urls", "http://0.0.0.0:2379,https://0.0.0.0:" + TLS_PORT,
        "--cert-file", "/tls/server.pem", "--key-file", "/tls/server-key.pem",
        "--trusted-ca-file", "/tls/ca.pem", "--client-cert-auth"), copied, List.of(TLS_PORT));
    // The JVM's first TLS connection is slow (a few seconds on a loaded machine): made here, not in a test.
    try (EtcdRegistry registry = EtcdRegistry.builder().withEndpoints(tlsEndpoint("https"))
        .withTls(Tls.trusting(ca).withClientCertificate(clientCertificate, clientKey)).build()) {
      Awaitility.await("etcd's TLS listener").atMost(TimeScale.scaled(Duration.ofSeconds(30)))
          .pollInterval(Duration.ofMillis(100)).ignoreExceptions().until(() -> registry.services() != null);
    }
  }

  @AfterAll
  void stopEtcd() {
    if (etcd != null) {
      etcd.close();
    }
  }

  private String tlsEndpoint(String scheme) {
    return scheme + "://127.0.0.1:" + etcd.hostPort(TLS_PORT);
  }

  private String plainEndpoint(String scheme) {
    return etcd.endpoint().replace("http://", scheme + "://");
  }

  @Test
  void theRightCaAndClientCertificateRegister() {
    try (EtcdRegistry registry = EtcdRegistry.builder().withEndpoints(tlsEndpoint("https"))
        .withTls(Tls.trusting(ca).withClientCertificate(clientCertificate, clientKey)).build()) {
      registry.register(A);
      assertThat(registry.instances("orders")).containsExactly(A);
    }
  }

  @Test
  void aWrongCaIsNamedAsAnUnknownAuthority() {
    assertNamedFast(EtcdRegistry.builder().withEndpoints(tlsEndpoint("https"))
        .withTls(Tls.trusting(otherCa).withClientCertificate(clientCertificate, clientKey)), tlsEndpoint("https"),
        "unknown authority", otherCa.toString());
  }

  @Test
  void httpAgainstTheTlsPortSaysEtcdTalksTls() {
    assertNamedFast(EtcdRegistry.builder().withEndpoints(tlsEndpoint("http")), tlsEndpoint("http"),
        "etcd talks TLS on this port but the endpoint is http://", "write https://");
  }

  @Test
  void httpsAgainstThePlainPortSaysEtcdAnsweredInPlaintext() {
    assertNamedFast(EtcdRegistry.builder().withEndpoints(plainEndpoint("https"))
        .withTls(Tls.trusting(ca).withClientCertificate(clientCertificate, clientKey)), plainEndpoint("https"),
        "does not talk TLS on this port", "plaintext");
  }

  @Test
  void noClientCertificateIsNamed() {
    assertNamedFast(EtcdRegistry.builder().withEndpoints(tlsEndpoint("https")).withTls(Tls.trusting(ca)),
        tlsEndpoint("https"), "no client certificate was given", "--client-cert-auth");
  }

  @Test
  void aKeyThatIsNotTheCertificatesIsRefusedWhenGiven() throws Exception {
    Path otherKey = dir.resolve("other-ca-key.pem");
    assertThatThrownBy(() -> Tls.trusting(ca).withClientCertificate(clientCertificate, otherKey))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("clientKeyFile " + otherKey + " is not the key of the client certificate " + clientCertificate);
  }

  @Test
  void anEncryptedKeyIsRefusedSayingHowToDecryptIt() throws Exception {
    Path encrypted = dir.resolve("client-key-encrypted.pem");
    openssl("pkcs8", "-topk8", "-in", clientKey.toString(), "-out", encrypted.toString(), "-passout", "pass:secret");
    assertThatThrownBy(() -> Tls.trusting(ca).withClientCertificate(clientCertificate, encrypted))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("is an encrypted private key, which registrykit does not support")
        .hasMessageContaining("openssl pkcs8 -topk8 -nocrypt -in " + encrypted);
  }

  @Test
  void anApplicationRegistersFromTheEnvironmentWithTls() {
    RegistrationConfig config = RegistrationConfig.fromEnvironment(Map.of(
        "REGISTRYKIT_ENDPOINTS", tlsEndpoint("https"),
        "REGISTRYKIT_NAMESPACE", "/env-tls",
        "REGISTRYKIT_SERVICE_NAME", "orders",
        "REGISTRYKIT_SERVICE_ADDRESS", "http://10.0.0.1:5000",
        "REGISTRYKIT_CALL_TIMEOUT", TimeScale.scaled(Duration.ofSeconds(5)).toMillis() + "ms",
        "REGISTRYKIT_TLS_CA_FILE", ca.toString(),
        "REGISTRYKIT_TLS_CLIENT_CERTIFICATE_FILE", clientCertificate.toString(),
        "REGISTRYKIT_TLS_CLIENT_KEY_FILE", clientKey.toString()));
    assertThat(config.callTimeout()).isEqualTo(Duration.ofMillis(TimeScale.scaled(Duration.ofSeconds(5)).toMillis()));
    try (ServiceRegistrar registrar = ServiceRegistrar.start(config)) {
      assertThat(registrar.registry().instances("orders")).containsExactly(registrar.registration().instance());
    }
  }

  @Test
  void anApplicationRegistersFromTheEnvironmentWithAuth() throws Exception {
    try (EtcdWipeableEtcd authEtcd = new EtcdWipeableEtcd()) {
      EtcdAuthIntegrationTest.enableAuth(authEtcd);
      Map<String, String> environment = new HashMap<>(Map.of(
          "REGISTRYKIT_ENDPOINTS", authEtcd.endpoint(),
          "REGISTRYKIT_NAMESPACE", EtcdAuthIntegrationTest.NAMESPACE,
          "REGISTRYKIT_SERVICE_NAME", "orders",
          "REGISTRYKIT_SERVICE_ADDRESS", "http://10.0.0.1:5000",
          "REGISTRYKIT_AUTH_USER", EtcdAuthIntegrationTest.USER,
          "REGISTRYKIT_AUTH_PASSWORD", EtcdAuthIntegrationTest.PASSWORD));
      RegistrationConfig config = RegistrationConfig.fromEnvironment(environment);
      assertThat(config.toString()).doesNotContain(EtcdAuthIntegrationTest.PASSWORD);
      try (ServiceRegistrar registrar = ServiceRegistrar.start(config)) {
        assertThat(registrar.registry().instances("orders")).containsExactly(registrar.registration().instance());
      }
      environment.remove("REGISTRYKIT_AUTH_PASSWORD");
      assertThatThrownBy(() -> RegistrationConfig.fromEnvironment(environment))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("REGISTRYKIT_AUTH_USER and REGISTRYKIT_AUTH_PASSWORD go together but only REGISTRYKIT_AUTH_USER is set");
    }
  }

  /** The first call fails with a RegistryException saying TLS, the endpoint and {@code reasons}, within a second. */
  private static void assertNamedFast(EtcdRegistry.Builder builder, String endpoint, String... reasons) {
    try (EtcdRegistry registry = builder.build()) {
      long start = System.nanoTime();
      Throwable failure = catchThrowable(() -> registry.register(A));
      Duration took = Duration.ofNanos(System.nanoTime() - start);
      System.out.printf("TLS mistake at %s named after %d ms: %s%n", endpoint, took.toMillis(),
          failure == null ? null : failure.getMessage());
      assertThat(failure).isInstanceOf(RegistryException.class).isNotInstanceOf(RegistryUnavailableException.class)
          .hasMessageContaining("TLS with etcd at " + endpoint + " failed: ").hasRootCauseInstanceOf(SSLException.class);
      for (String reason : reasons) {
        assertThat(failure).hasMessageContaining(reason);
      }
      assertThat(took).as("time to the TLS error (the call timeout is 5 s)").isLessThan(TimeScale.scaled(NAMED_WITHIN));
    }
  }

  private Path authority(String name) throws Exception {
    Path certificate = dir.resolve(name + ".pem");
    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", dir.resolve(name + "-key.pem").toString(),
        "-out", certificate.toString(), "-days", "2", "-subj", "/CN=registrykit-test-" + name);
    return certificate;
  }

  private Path signed(String name, String commonName, String extensions) throws Exception {
    Path request = dir.resolve(name + ".csr");
    Path extensionFile = dir.resolve(name + ".ext");
    Files.writeString(extensionFile, extensions + "\n");
    openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", dir.resolve(name + "-key.pem").toString(),
        "-out", request.toString(), "-subj", "/CN=" + commonName);
    Path certificate = dir.resolve(name + ".pem");
    openssl("x509", "-req", "-in", request.toString(), "-CA", ca.toString(),
        "-CAkey", dir.resolve("ca-key.pem").toString(), "-set_serial", String.valueOf(System.nanoTime()),
        "-out", certificate.toString(), "-days", "2", "-extfile", extensionFile.toString());
    return certificate;
  }

  private void openssl(String... arguments) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("openssl"));
    command.addAll(List.of(arguments));
    Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    boolean done = process.waitFor(TimeScale.scaled(Duration.ofSeconds(60)).toMillis(), TimeUnit.MILLISECONDS);
    String output = new String(process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    assertThat(done).as("openssl %s finished", command).isTrue();
    assertThat(process.exitValue()).as("openssl %s: %s", command, output).isZero();
  }
}
