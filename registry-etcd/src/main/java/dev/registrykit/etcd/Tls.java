package dev.registrykit.etcd;

import dev.registrykit.etcd.internal.TlsFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * TLS settings for talking to etcd: the CA that signed etcd's certificate and, for client
 * authentication, a client certificate and its PKCS#8 private key (all PEM files). The key must not be
 * encrypted (write it unencrypted with {@code openssl pkcs8 -topk8 -nocrypt -in key.pem -out
 * client-key.pem}) and must be the certificate's: both are checked here. When a call cannot connect
 * because of TLS (an unknown authority, a plaintext etcd, a client certificate etcd requires or
 * refuses), it fails within a fraction of a second with a {@code RegistryException} that says so.
 *
 * <pre>{@code
 * Tls tls = Tls.trusting(Path.of("ca.pem")).withClientCertificate(Path.of("client.pem"), Path.of("client-key.pem"));
 * }</pre>
 *
 * @param caFile                the CA certificate(s), PEM
 * @param clientCertificateFile the client certificate chain, PEM, if client authentication is used
 * @param clientKeyFile         the client's PKCS#8 private key, PEM, with the certificate
 */
public record Tls(Path caFile, Optional<Path> clientCertificateFile, Optional<Path> clientKeyFile) {

  /** Validates that the files exist and that certificate and key come together. */
  public Tls {
    Objects.requireNonNull(caFile, "caFile must not be null");
    Objects.requireNonNull(clientCertificateFile, "clientCertificateFile must not be null (use Optional.empty())");
    Objects.requireNonNull(clientKeyFile, "clientKeyFile must not be null (use Optional.empty())");
    requireReadable("caFile", caFile);
    if (clientCertificateFile.isPresent() != clientKeyFile.isPresent()) {
      throw new IllegalArgumentException("clientCertificateFile and clientKeyFile go together but only "
          + (clientCertificateFile.isPresent() ? "the certificate" : "the key") + " was given");
    }
    clientCertificateFile.ifPresent(file -> requireReadable("clientCertificateFile", file));
    clientKeyFile.ifPresent(file -> requireReadable("clientKeyFile", file));
    clientKeyFile.ifPresent(key -> TlsFiles.requireUsableKey(clientCertificateFile.orElseThrow(), key));
  }

  /** Server authentication only: trust etcd certificates signed by {@code caFile}. */
  public static Tls trusting(Path caFile) {
    return new Tls(caFile, Optional.empty(), Optional.empty());
  }

  /** These settings plus client authentication with {@code certificate} and {@code key}. */
  public Tls withClientCertificate(Path certificate, Path key) {
    return new Tls(caFile, Optional.of(certificate), Optional.of(key));
  }

  private static void requireReadable(String name, Path file) {
    if (!Files.isReadable(file)) {
      throw new IllegalArgumentException(name + " must be a readable file but was: " + file.toAbsolutePath());
    }
  }
}
