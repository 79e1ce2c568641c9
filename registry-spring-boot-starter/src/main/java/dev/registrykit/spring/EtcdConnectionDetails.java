package dev.registrykit.spring;

import java.net.URI;
import java.util.List;
import org.springframework.boot.autoconfigure.service.connection.ConnectionDetails;

/**
 * Where the application's etcd is: {@code registrykit.endpoints} unless a bean of this type says
 * otherwise, as the one a Testcontainers {@code @ServiceConnection} on an etcd container creates.
 *
 * <pre>{@code
 * @Container
 * @ServiceConnection(name = "etcd")
 * static GenericContainer<?> etcd = new GenericContainer<>("gcr.io/etcd-development/etcd:v3.5.21")...;
 * }</pre>
 */
public interface EtcdConnectionDetails extends ConnectionDetails {

  /** The etcd client endpoints, such as {@code http://127.0.0.1:32768}; at least one. */
  List<URI> endpoints();
}
