package dev.registrykit.junit.internal;

import io.etcd.jetcd.Client;
import java.net.URI;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One etcd and the raw client on it, kept in a JUnit store: JUnit closes it when the store's
 * context ends (the run, the class or the method, by lifecycle).
 */
@SuppressWarnings("deprecation") // CloseableResource: JUnit before 5.13 only closes those
final class EtcdResource implements AutoCloseable, ExtensionContext.Store.CloseableResource {

  private final EtcdServer server;
  private Client client;
  private boolean closed;

  EtcdResource(EtcdServer server) {
    this.server = server;
  }

  EtcdServer server() {
    return server;
  }

  synchronized Client client() {
    if (closed) {
      throw new IllegalStateException("the etcd of this test was already stopped: " + server);
    }
    if (client == null) {
      client = Client.builder().endpoints(server.endpoints().toArray(URI[]::new))
          .header("hasleader", "true").build();
    }
    return client;
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
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
