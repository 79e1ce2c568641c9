package dev.registrykit.junit.etcd.internal;

import io.etcd.jetcd.Client;
import java.net.URI;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One etcd and the raw client on it, kept in a JUnit store: JUnit closes it when the store's
 * context ends (the run, the class or the method, by lifecycle).
 */
@SuppressWarnings("deprecation") // CloseableResource: JUnit before 5.13 only closes those
final class StoredEtcd implements AutoCloseable, ExtensionContext.Store.CloseableResource {

  private final Etcd server;
  private Client client;
  /** Connections the last tests gave back undisturbed, for the next tests to use. */
  private final Deque<Connection> idle = new ArrayDeque<>();
  private boolean closed;

  /**
   * A test registry's own client, reaching etcd through proxies the test can cut. Opening one costs a
   * connection and an HTTP/2 handshake per member (about 15 ms here), so one a test used without
   * any fault is handed to the next test instead of being closed.
   */
  static final class Connection {
    final Client client;
    final List<CuttableProxy> proxies;
    private long disruptionsWhenTaken;

    private Connection(Client client, List<CuttableProxy> proxies) {
      this.client = client;
      this.proxies = proxies;
    }

    private void close() {
      try {
        client.close();
      } finally {
        proxies.forEach(CuttableProxy::close);
      }
    }
  }

  StoredEtcd(Etcd server) {
    this.server = server;
  }

  Etcd server() {
    return server;
  }

  synchronized Client client() {
    requireOpen();
    if (client == null) {
      client = Client.builder().endpoints(server.endpoints().toArray(URI[]::new))
          .header("hasleader", "true").build();
    }
    return client;
  }

  private void requireOpen() {
    if (closed) {
      throw new IllegalStateException("the etcd of this test was already stopped: " + server);
    }
  }

  /** A connection for one test's registry: an idle one, else a new one. */
  synchronized Connection takeConnection() {
    requireOpen();
    Connection connection = idle.pollFirst();
    if (connection == null) {
      List<CuttableProxy> proxies = server.endpoints().stream().map(CuttableProxy::new).toList();
      Client own = Client.builder().endpoints(proxies.stream().map(CuttableProxy::endpoint).toArray(String[]::new))
          .header("hasleader", "true").retryDelay(20).retryMaxDelay(200) // as EtcdRegistry's own client:
          .build();                                                        // a cut-off member refuses at once
      connection = new Connection(own, proxies);
    }
    connection.disruptionsWhenTaken = server.disruptions();
    return connection;
  }

  /**
   * Takes back a connection whose test is over (its registry closed): kept for the next test if
   * nothing disturbed it (no proxy cut, no fault control used on etcd meanwhile: after either, the
   * client may be waiting out a reconnect backoff), else closed.
   */
  synchronized void giveBack(Connection connection) {
    boolean undisturbed = connection.proxies.stream().noneMatch(CuttableProxy::wasCut)
        && server.disruptions() == connection.disruptionsWhenTaken;
    if (closed || !undisturbed) {
      connection.close();
    } else {
      idle.addFirst(connection);
    }
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    while (!idle.isEmpty()) {
      idle.pollFirst().close();
    }
    if (client != null) {
      client.close();
    }
    server.close();
  }

  @Override
  public String toString() {
    return server.toString();
  }
}
