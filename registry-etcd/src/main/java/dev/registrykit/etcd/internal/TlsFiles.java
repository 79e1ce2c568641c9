package dev.registrykit.etcd.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * What the PEM files of {@code Tls} hold, read with the JDK alone: the checks made when the TLS
 * settings are given (an encrypted key, a key that is not the certificate's), and the JDK {@link
 * SSLContext} with which {@link TlsProbe} repeats the handshake jetcd's channel failed.
 */
public final class TlsFiles {

  private static final Pattern PRIVATE_KEY = Pattern.compile(
      "-----BEGIN PRIVATE KEY-----([A-Za-z0-9+/=\\s]+)-----END PRIVATE KEY-----");

  private TlsFiles() {
  }

  /**
   * Refuses a key registrykit cannot use, saying what to do: an encrypted one (PKCS#8 or OpenSSL's
   * traditional format), and one that does not belong to {@code certificate}. A key or certificate
   * the JDK cannot read is left to the TLS library to report.
   *
   * @throws IllegalArgumentException naming the file and the fix
   */
  public static void requireUsableKey(Path certificate, Path key) {
    String text = read(key);
    if (text.contains("-----BEGIN ENCRYPTED PRIVATE KEY-----") || text.contains("Proc-Type: 4,ENCRYPTED")) {
      throw new IllegalArgumentException("clientKeyFile " + key.toAbsolutePath() + " is an encrypted private key, "
          + "which registrykit does not support (there is no password setting): write it unencrypted as PKCS#8 with "
          + "openssl pkcs8 -topk8 -nocrypt -in " + key + " -out client-key.pem, and let only the service read that file");
    }
    Optional<PrivateKey> privateKey = privateKey(text);
    List<X509Certificate> chain = certificates(certificate);
    if (privateKey.isEmpty() || chain.isEmpty()) {
      return;
    }
    Optional<Boolean> matches = matches(privateKey.get(), chain.get(0));
    if (matches.isPresent() && !matches.get()) {
      throw new IllegalArgumentException("clientKeyFile " + key.toAbsolutePath() + " is not the key of the client "
          + "certificate " + certificate.toAbsolutePath() + " (" + chain.get(0).getSubjectX500Principal().getName()
          + "): give the key that was made with that certificate (openssl x509 -noout -pubkey -in <certificate> and "
          + "openssl pkey -pubout -in <key> print the same public key for a pair)");
    }
  }

  /**
   * A JDK SSL context trusting the certificates of {@code caFile} and presenting the client certificate
   * and key when given (and readable by the JDK).
   */
  static SSLContext sslContext(Path caFile, Optional<Path> certificate, Optional<Path> key)
      throws GeneralSecurityException, IOException {
    KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
    trusted.load(null, null);
    int n = 0;
    for (X509Certificate ca : certificates(caFile)) {
      trusted.setCertificateEntry("ca-" + n++, ca);
    }
    TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    trust.init(trusted);
    KeyManagerFactory keys = null;
    Optional<PrivateKey> privateKey = key.map(TlsFiles::read).flatMap(TlsFiles::privateKey);
    if (certificate.isPresent() && privateKey.isPresent()) {
      KeyStore own = KeyStore.getInstance(KeyStore.getDefaultType());
      own.load(null, null);
      char[] none = new char[0];
      own.setKeyEntry("client", privateKey.get(), none, certificates(certificate.get()).toArray(Certificate[]::new));
      keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      keys.init(own, none);
    }
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(keys == null ? null : keys.getKeyManagers(), trust.getTrustManagers(), null);
    return context;
  }

  private static Optional<Boolean> matches(PrivateKey key, X509Certificate certificate) {
    String algorithm = switch (key.getAlgorithm()) {
      case "RSA" -> "SHA256withRSA";
      case "EC" -> "SHA256withECDSA";
      case "Ed25519", "EdDSA" -> "Ed25519";
      default -> null;
    };
    if (algorithm == null || !key.getAlgorithm().equals(certificate.getPublicKey().getAlgorithm())) {
      return algorithm == null ? Optional.empty() : Optional.of(false);
    }
    try {
      byte[] challenge = "registrykit".getBytes(StandardCharsets.US_ASCII);
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(key);
      signer.update(challenge);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(certificate.getPublicKey());
      verifier.update(challenge);
      return Optional.of(verifier.verify(signature));
    } catch (GeneralSecurityException | RuntimeException e) {
      return Optional.empty(); // left to the TLS library
    }
  }

  /** The unencrypted PKCS#8 key of {@code pem}, if it holds one the JDK reads. */
  private static Optional<PrivateKey> privateKey(String pem) {
    Matcher matcher = PRIVATE_KEY.matcher(pem);
    if (!matcher.find()) {
      return Optional.empty();
    }
    byte[] der;
    try {
      der = Base64.getMimeDecoder().decode(matcher.group(1));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
    for (String algorithm : List.of("RSA", "EC", "Ed25519", "RSASSA-PSS", "DSA")) {
      try {
        return Optional.of(KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der)));
      } catch (GeneralSecurityException | RuntimeException e) {
        // try the next algorithm
      }
    }
    return Optional.empty();
  }

  /** The certificates of a PEM file; none if the JDK cannot read them. */
  private static List<X509Certificate> certificates(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      List<X509Certificate> result = new ArrayList<>();
      for (Certificate certificate : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
        if (certificate instanceof X509Certificate x509) {
          result.add(x509);
        }
      }
      return result;
    } catch (IOException | GeneralSecurityException e) {
      return List.of();
    }
  }

  private static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.ISO_8859_1);
    } catch (IOException e) {
      throw new UncheckedIOException("could not read " + file.toAbsolutePath(), e);
    }
  }
}
