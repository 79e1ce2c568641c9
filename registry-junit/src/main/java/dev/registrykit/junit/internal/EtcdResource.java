package dev.registrykit.junit.internal;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One etcd and the raw client on it, kept in a JUnit store: JUnit closes it when the store's
 * context ends (the run, the class or the method, by lifecycle).
 */
@SuppressWarnings("deprecation") // CloseableResource: JUnit before 5.13 only closes those
final class EtcdResource implements AutoCloseable, ExtensionContext.Store.CloseableResource {

  private static final Logger LOG = LoggerFactory.getLogger(EtcdResource.class);
  private static final Duration WARM_UP = Duration.ofSeconds(30);

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

  /**
   * Makes one read through the raw client, so that the first test's calls, held to a short call
   * timeout, do not also pay for loading and starting the gRPC stack in this JVM: on a loaded 2-core
   * machine that cost alone made a first lease grant miss its 2 s. A failure here is left for the
   * test to meet (an etcd with auth refuses the read, for one).
   */
  void warmUp() {
    try {
      client().getKVClient().get(ByteSequence.from("/registrykit-warm-up", StandardCharsets.UTF_8))
          .get(WARM_UP.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      LOG.debug("warm-up read from {} failed: {}", server, e.toString());
    }
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
