package dev.registrykit.junit;

/**
 * What a test can do to the store behind the injected registry, the same way on the fake and on
 * etcd: write and delete raw values as another program would, and cut the registry off.
 *
 * <pre>{@code
 * backend.putRaw("OrderShippingService", "3f2b…", "{\"Id\":\"3f2b…\",\"Name\":\"OrderShippingService\",\"Address\":\"http://localhost:5000\"}");
 * backend.makeUnavailable();   // fake: Fault.unavailable(); etcd: the container is paused
 * ...
 * backend.heal();
 * }</pre>
 *
 * <p>On etcd, {@link #makeUnavailable()} pauses etcd, so it needs an etcd of the test's own
 * ({@link EtcdLifecycle#PER_CLASS} or {@link EtcdLifecycle#PER_METHOD}); calls then fail after the
 * registry's call timeout instead of at once as on the fake.
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

  /** Cuts the registry off: calls fail with {@code RegistryUnavailableException}, keep-alives fail. */
  void makeUnavailable();

  /** Ends {@link #makeUnavailable()}. */
  void heal();
}
