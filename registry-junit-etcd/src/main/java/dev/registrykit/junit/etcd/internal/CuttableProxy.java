package dev.registrykit.junit.etcd.internal;

import dev.registrykit.junit.TimeScale;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A TCP proxy in front of one etcd endpoint that a test can cut: cutting drops every connection
 * through it and refuses new ones until {@link #restore()}. The injected registry talks to etcd
 * through these, so {@code BackendControls.makeUnavailable()} cuts off that registry alone while
 * etcd goes on serving everyone else (and expiring the registry's leases), as on the fake: a
 * network partition of one process, which pausing or stopping etcd cannot give. Two threads per
 * connection (blocking copies) and one accepting; all end on {@link #close()}. Each thread's name
 * carries the proxy's port ({@code registrykit-proxy-41234-accept}, {@code -up}, {@code -down}), so a
 * thread can be told to belong to a proxy that outlives a test run.
 */
final class CuttableProxy implements AutoCloseable {

  private final URI upstream;
  private final ServerSocket server;
  private final Thread acceptor;
  private final List<Socket> sockets = new ArrayList<>();
  private boolean cut;
  private boolean closed;
  private boolean everCut;

  CuttableProxy(URI upstream) {
    this.upstream = upstream;
    try {
      this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    this.acceptor = new Thread(this::acceptLoop, threadPrefix() + "accept");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  /** The endpoint to give the registry, such as {@code http://127.0.0.1:41234}. */
  String endpoint() {
    return "http://127.0.0.1:" + server.getLocalPort();
  }

  /** The start of its threads' names: {@code registrykit-proxy-41234-}. */
  private String threadPrefix() {
    return "registrykit-proxy-" + server.getLocalPort() + "-";
  }

  /** Whether {@link #cut()} was ever called. */
  synchronized boolean wasCut() {
    return everCut;
  }

  /** Drops every connection and refuses new ones. */
  synchronized void cut() {
    everCut = true;
    cut = true;
    closeSockets();
  }

  /** Lets connections through again. */
  synchronized void restore() {
    cut = false;
  }

  @Override
  public void close() {
    synchronized (this) {
      closed = true;
      closeSockets();
    }
    try {
      server.close();
    } catch (IOException e) {
      // nothing left to release
    }
    try {
      acceptor.join(TimeScale.scaled(Duration.ofSeconds(5)).toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      Socket client;
      try {
        client = server.accept();
      } catch (IOException e) {
        return; // closed
      }
      try {
        connect(client);
      } catch (IOException e) {
        closeQuietly(client);
      }
    }
  }

  private void connect(Socket client) throws IOException {
    synchronized (this) {
      if (cut || closed) {
        client.close();
        return;
      }
    }
    Socket target = new Socket();
    target.connect(new InetSocketAddress(upstream.getHost(), upstream.getPort()), 2_000);
    // Pass every write on at once: with Nagle's algorithm on, gRPC's small frames waited for delayed
    // ACKs, and each test's calls through the proxy took about 100 ms more than direct ones.
    client.setTcpNoDelay(true);
    target.setTcpNoDelay(true);
    synchronized (this) {
      if (cut || closed) {
        client.close();
        target.close();
        return;
      }
      sockets.add(client);
      sockets.add(target);
    }
    pump(client, target, "up");
    pump(target, client, "down");
  }

  private void pump(Socket from, Socket to, String direction) {
    Thread thread = new Thread(() -> {
      byte[] buffer = new byte[16 * 1024];
      try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
        int read;
        while ((read = in.read(buffer)) >= 0) {
          out.write(buffer, 0, read);
          out.flush();
        }
      } catch (IOException e) {
        // cut or closed: fall through
      } finally {
        closeQuietly(from);
        closeQuietly(to);
        forget(from, to);
      }
    }, threadPrefix() + direction);
    thread.setDaemon(true);
    thread.start();
  }

  private synchronized void forget(Socket one, Socket other) {
    sockets.remove(one);
    sockets.remove(other);
  }

  private void closeSockets() {
    for (Socket socket : sockets) {
      closeQuietly(socket);
    }
    sockets.clear();
  }

  private static void closeQuietly(Socket socket) {
    try {
      socket.close();
    } catch (IOException e) {
      // nothing to do
    }
  }
}
