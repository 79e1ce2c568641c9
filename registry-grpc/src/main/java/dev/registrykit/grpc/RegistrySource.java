package dev.registrykit.grpc;

import dev.registrykit.Registry;
import java.util.Objects;

/** Where resolvers get their registry: one the application owns, or one opened from the configuration. */
interface RegistrySource {

  /**
   * The registry, for one resolver until it calls {@link #release()}. May block (it may build one).
   *
   * @throws RuntimeException if there is no registry to be had, with the reason
   */
  Registry acquire();

  /** One resolver no longer needs the registry it acquired. */
  void release();

  /** A registry the application owns: never closed here. */
  static RegistrySource of(Registry registry) {
    Objects.requireNonNull(registry, "registry must not be null");
    return new RegistrySource() {
      @Override
      public Registry acquire() {
        return registry;
      }

      @Override
      public void release() {
      }

      @Override
      public String toString() {
        return registry.toString();
      }
    };
  }
}
