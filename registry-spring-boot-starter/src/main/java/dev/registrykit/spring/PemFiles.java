package dev.registrykit.spring;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;

/** The checks of the PEM files of {@code registrykit.tls.*}, at startup, each naming its key. */
final class PemFiles {

  private PemFiles() {
  }

  /** {@code file}, if set, is a readable PEM file of X.509 certificates. */
  static void requireCertificates(String key, Path file) {
    if (file == null) {
      return;
    }
    requireReadable(key, file);
    String rule = "must be a PEM file of X.509 certificates (-----BEGIN CERTIFICATE-----)";
    try (InputStream in = Files.newInputStream(file)) {
      if (CertificateFactory.getInstance("X.509").generateCertificates(in).isEmpty()) {
        throw new InvalidSettingException(key, file.toAbsolutePath(), rule);
      }
    } catch (CertificateException | IOException e) {
      throw new InvalidSettingException(key, file.toAbsolutePath(), rule, e);
    }
  }

  /** {@code file}, if set, is a readable PEM file of a private key (PKCS#8, as etcd's client needs it). */
  static void requirePrivateKey(String key, Path file) {
    if (file == null) {
      return;
    }
    requireReadable(key, file);
    try {
      if (!Files.readString(file).contains("PRIVATE KEY-----")) {
        throw new InvalidSettingException(key, file.toAbsolutePath(), "must be a PEM file of a PKCS#8 private key "
            + "(-----BEGIN PRIVATE KEY-----)");
      }
    } catch (IOException e) {
      throw new InvalidSettingException(key, file.toAbsolutePath(), "must be a readable file", e);
    }
  }

  private static void requireReadable(String key, Path file) {
    if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
      throw new InvalidSettingException(key, file.toAbsolutePath(), "must be a readable file");
    }
  }
}
