package dev.registrykit.etcd.internal;

import dev.registrykit.etcd.Tls;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.X509TrustManager;

/**
 * Why jetcd's channel cannot connect, when the reason is TLS. gRPC keeps a failed handshake's reason
 * to itself and jetcd's calls wait for a connection, so a TLS mistake would look like an outage
 * (the call timeout, then "did not answer"). When a call has waited a little and the channel is not
 * connected, {@link Calls} asks {@link #problem()}: it connects to each endpoint and makes the
 * handshake jetcd makes, with the JDK and the same files, and names what failed: etcd's certificate
 * not signed by the CA given (unknown authority) or not naming the host, {@code https://} against a
 * plaintext etcd, {@code http://} against one that talks TLS, etcd asking for a client certificate
 * none was given for, or refusing the one given. A refused or unanswered connection is not a TLS
 * problem: the call goes on as before. At most one probe per second; never on the happy path.
 */
public final class TlsProbe {

  private static final long EVERY_NANOS = TimeUnit.SECONDS.toNanos(1);
  private static final int CONNECT_MILLIS = 500;
  private static final int READ_MILLIS = 600;
  /** HTTP/2's client preface and an empty SETTINGS frame: what gRPC sends first, so etcd answers or refuses. */
  private static final byte[] HTTP2_PREFACE = concat("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII),
      new byte[] {0, 0, 0, 4, 0, 0, 0, 0, 0});

  private final List<URI> endpoints;
  private final Optional<Tls> tls;
  private long lastProbe = System.nanoTime() - EVERY_NANOS; // guarded by this
  private Optional<String> last = Optional.empty(); // guarded by this

  /** Probes {@code endpoints} with {@code tls}, or, without it, for etcds that talk TLS. */
  public TlsProbe(List<URI> endpoints, Optional<Tls> tls) {
    this.endpoints = List.copyOf(endpoints);
    this.tls = tls;
  }

  /**
   * What TLS problem keeps every endpoint from connecting ("TLS with etcd at … failed: …"), or empty if
   * one connects or fails otherwise (refused, unanswered). Repeats the last answer within a second.
   */
  public synchronized Optional<String> problem() {
    long now = System.nanoTime();
    if (now - lastProbe < EVERY_NANOS) {
      return last;
    }
    List<String> problems = new ArrayList<>();
    for (URI endpoint : endpoints) {
      Optional<String> problem = probe(endpoint);
      if (problem.isEmpty()) {
        problems.clear();
        break;
      }
      if (!problem.get().isEmpty()) {
        problems.add(problem.get());
      }
    }
    last = problems.isEmpty() ? Optional.empty() : Optional.of(String.join("; ", problems));
    lastProbe = System.nanoTime();
    return last;
  }

  /** The TLS problem of {@code endpoint}; "" if it cannot be reached at all; empty if it connects. */
  private Optional<String> probe(URI endpoint) {
    InetSocketAddress address = new InetSocketAddress(endpoint.getHost(), endpoint.getPort());
    try (Socket socket = new Socket()) {
      socket.connect(address, CONNECT_MILLIS);
      return tls.isPresent() ? handshake(endpoint, socket, tls.get()) : plainToTls(endpoint, socket);
    } catch (IOException e) {
      return Optional.of(""); // refused or unanswered: not TLS
    }
  }

  private Optional<String> handshake(URI endpoint, Socket plain, Tls tls) throws IOException {
    SSLContext context;
    try {
      context = TlsFiles.sslContext(tls.caFile(), tls.clientCertificateFile(), tls.clientKeyFile());
    } catch (GeneralSecurityException e) {
      return Optional.empty(); // the JDK cannot repeat this handshake; leave it to the call
    }
    SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket(plain, endpoint.getHost(), endpoint.getPort(), false);
    SSLParameters parameters = socket.getSSLParameters();
    parameters.setEndpointIdentificationAlgorithm("HTTPS"); // as gRPC checks the host
    parameters.setApplicationProtocols(new String[] {"h2"});
    socket.setSSLParameters(parameters);
    socket.setSoTimeout(READ_MILLIS);
    try {
      socket.startHandshake();
    } catch (SSLException e) {
      return Optional.of(handshakeFailure(endpoint, tls, e));
    }
    try {
      OutputStream out = socket.getOutputStream();
      out.write(HTTP2_PREFACE);
      out.flush();
      InputStream in = socket.getInputStream();
      if (in.read() < 0) {
        return Optional.of(say(endpoint, "etcd closed the connection after the handshake"
            + (tls.clientCertificateFile().isEmpty() ? ": it may require a client certificate (--client-cert-auth); "
            + "none was given" : "")));
      }
      return Optional.empty();
    } catch (SocketTimeoutException e) {
      return Optional.empty(); // connected, and etcd waits for more: not a TLS problem
    } catch (SSLException e) {
      return Optional.of(clientCertificateRefused(endpoint, tls, e));
    }
  }

  private static String handshakeFailure(URI endpoint, Tls tls, SSLException e) {
    String message = causes(e);
    String lower = message.toLowerCase(Locale.ROOT);
    if (lower.contains("pkix") || lower.contains("certification path") || lower.contains("unable to find valid")) {
      return say(endpoint, "etcd's certificate is not signed by the CA of " + tls.caFile() + " (unknown authority: "
          + message + "); give the CA that signed etcd's --cert-file");
    }
    if (lower.contains("subject alternative name") || lower.contains("no name matching")) {
      return say(endpoint, "etcd's certificate does not name " + endpoint.getHost() + " (" + message
          + "); reach etcd by a name its certificate has, or add it to the certificate's subjectAltName");
    }
    if (lower.contains("unrecognized ssl message") || lower.contains("plaintext") || lower.contains("not an ssl")
        || lower.contains("unsupported or unrecognized") || e.getCause() instanceof EOFException
        || lower.contains("remote host terminated")) {
      return say(endpoint, "etcd does not talk TLS on this port, it answered in plaintext (" + message + "); write "
          + "http:// and drop the TLS settings, or point at etcd's TLS port");
    }
    if (lower.contains("alert")) {
      return clientCertificateRefused(endpoint, tls, e);
    }
    return say(endpoint, message);
  }

  private static String clientCertificateRefused(URI endpoint, Tls tls, SSLException e) {
    String message = causes(e);
    if (tls.clientCertificateFile().isEmpty()) {
      return say(endpoint, "etcd requires a client certificate (--client-cert-auth) and no client certificate was "
          + "given (" + message + "); set the client certificate and key files");
    }
    return say(endpoint, "etcd refused the client certificate " + tls.clientCertificateFile().get() + " (" + message
        + "): it must be signed by a CA etcd trusts (--trusted-ca-file) and be made for client authentication");
  }

  /** Without TLS settings: whether the endpoint answers a TLS handshake, which a plaintext etcd does not. */
  private static Optional<String> plainToTls(URI endpoint, Socket plain) throws IOException {
    AtomicBoolean presented = new AtomicBoolean();
    SSLContext context;
    try {
      context = SSLContext.getInstance("TLS");
      context.init(null, new X509TrustManager[] {new Recording(presented)}, null);
    } catch (GeneralSecurityException e) {
      return Optional.empty();
    }
    SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket(plain, endpoint.getHost(), endpoint.getPort(), false);
    socket.setSoTimeout(READ_MILLIS);
    try {
      socket.startHandshake();
    } catch (IOException e) {
      // expected: the recording trust manager refuses every certificate
    }
    return presented.get() ? Optional.of(say(endpoint, "etcd talks TLS on this port but the endpoint is http:// "
        + "(plaintext); write https:// and set the CA file that signed etcd's certificate")) : Optional.empty();
  }

  private static String say(URI endpoint, String reason) {
    return "TLS with etcd at " + endpoint + " failed: " + reason;
  }

  private static String causes(Throwable failure) {
    StringBuilder text = new StringBuilder(String.valueOf(failure.getMessage()));
    for (Throwable t = failure.getCause(); t != null && t != t.getCause(); t = t.getCause()) {
      if (t.getMessage() != null && !text.toString().contains(t.getMessage())) {
        text.append(": ").append(t.getMessage());
      }
    }
    return text.toString();
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] result = new byte[a.length + b.length];
    System.arraycopy(a, 0, result, 0, a.length);
    System.arraycopy(b, 0, result, a.length, b.length);
    return result;
  }

  /** Records that a certificate was presented, and trusts none: the probe sends nothing over it. */
  private record Recording(AtomicBoolean presented) implements X509TrustManager {
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
      throw new CertificateException("not a server");
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
      presented.set(true);
      throw new CertificateException("registrykit only checks that etcd talks TLS here");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}
