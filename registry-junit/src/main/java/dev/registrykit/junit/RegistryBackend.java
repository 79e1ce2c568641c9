package dev.registrykit.junit;

/**
 * What a test can do to the store behind the injected registry, the same way on the fake and on
 * etcd: write and delete raw values as another program would, and cut the registry off.
 *
 * <pre>{@code
 * backend.putRaw("OrderShippingService", "3f2b…", "{\"Id\":\"3f2b…\",\"Name\":\"OrderShippingService\",\"Address\":\"http://localhost:5000\"}");
 * backend.makeUnavailable();   // fake: Fault.unavailable(); etcd: the registry's connections are cut
 * ...
 * backend.heal();
 * }</pre>
 *
 * <p>On etcd, the injected registry reaches etcd through a proxy of its own, and {@link
 * #makeUnavailable()} cuts it: etcd goes on serving the raw client and other tests, and expires the
 * registry's leases at their TTL, as the fake does. It works on the shared etcd too.
 */
public interface RegistryBackend {

  /** {@code fake} or {@code etcd}. */
  String name();

  /** The injected registry's key root. */
  String namespace();

  /** Writes {@code value} under {@code {namespace}/{serviceName}/{instanceId}}, with no lease. */
  void putRaw(String serviceName, String instanceId, String value);

  /** Deletes {@code {namespace}/{serviceName}/{instanceId}}. */
  void deleteRaw(String serviceName, String instanceId);

  /**
   * Cuts the registry off (connection lost): its calls fail with {@code RegistryUnavailableException},
   * its keep-alives fail and its watchers hear nothing, while the store lives on: leases run out at
   * their TTL, and raw writes still work.
   */
  void makeUnavailable();

  /** Ends {@link #makeUnavailable()}. */
  void heal();
}
