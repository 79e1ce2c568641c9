package dev.registrykit.spring;

import java.net.URI;
import java.util.List;

/**
 * The endpoints of {@code registrykit.endpoints}.
 *
 * @param endpoints the endpoints, checked by the properties
 */
record PropertiesEtcdConnectionDetails(List<URI> endpoints) implements EtcdConnectionDetails {

  /** Copies the endpoints. */
  public PropertiesEtcdConnectionDetails {
    endpoints = List.copyOf(endpoints);
  }
}
