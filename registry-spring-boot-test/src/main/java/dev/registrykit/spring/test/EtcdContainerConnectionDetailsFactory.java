package dev.registrykit.spring.test;

import dev.registrykit.spring.EtcdConnectionDetails;
import java.net.URI;
import java.util.List;
import org.springframework.boot.testcontainers.service.connection.ContainerConnectionDetailsFactory;
import org.springframework.boot.testcontainers.service.connection.ContainerConnectionSource;
import org.testcontainers.containers.Container;

/**
 * {@link EtcdConnectionDetails} of an etcd container annotated {@code @ServiceConnection}: the
 * container's mapped client port 2379 on its host. Matches {@code @ServiceConnection(name = "etcd")}
 * and containers of the usual etcd images (and registrykit's local one), by image name.
 */
class EtcdContainerConnectionDetailsFactory
    extends ContainerConnectionDetailsFactory<Container<?>, EtcdConnectionDetails> {

  private static final int CLIENT_PORT = 2379;

  EtcdContainerConnectionDetailsFactory() {
    super(List.of("etcd", "etcd-development/etcd", "coreos/etcd", "bitnami/etcd", "registrykit/etcd-local"));
  }

  @Override
  protected EtcdConnectionDetails getContainerConnectionDetails(ContainerConnectionSource<Container<?>> source) {
    return new ContainerEtcdConnectionDetails(source);
  }

  /** The endpoint of the started container. */
  static final class ContainerEtcdConnectionDetails extends ContainerConnectionDetails<Container<?>>
      implements EtcdConnectionDetails {

    ContainerEtcdConnectionDetails(ContainerConnectionSource<Container<?>> source) {
      super(source);
    }

    @Override
    public List<URI> endpoints() {
      Container<?> container = getContainer();
      return List.of(URI.create("http://" + container.getHost() + ":" + container.getMappedPort(CLIENT_PORT)));
    }
  }
}
