package dev.registrykit.junit;

import dev.registrykit.Candidacy;
import dev.registrykit.InvalidEntry;
import dev.registrykit.Registration;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * What a test can do to the store behind the injected registry, the same way on the fake and on
 * etcd: write and delete raw values and campaign in an election as another program would, and the
 * faults etcd has in real life: the connection lost, etcd down, its data wiped, its history
 * compacted, a lease forgotten.
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
public interface BackendControls {

  /** {@code fake} or {@code etcd}. */
  String name();

  /** The injected registry's key root. */
  String namespace();

  /** Writes {@code value} under {@code {namespace}/{serviceName}/{instanceId}}, with no lease. */
  void putRaw(String serviceName, String instanceId, String value);

  /** Deletes {@code {namespace}/{serviceName}/{instanceId}}. */
  void deleteRaw(String serviceName, String instanceId);

  /**
   * Reads {@code {namespace}/{serviceName}/{instanceId}} as another program would: its raw value, or
   * empty if there is no such key. It reads the store itself, so it works while the registry is cut
   * off and after it was closed (to check what a close left behind).
   */
  Optional<String> getRaw(String serviceName, String instanceId);

  /**
   * Cuts the registry off (connection lost): its calls fail with {@code RegistryUnavailableException},
   * its keep-alives fail and its watchers hear nothing, while the store lives on: leases run out at
   * their TTL, and raw writes still work.
   */
  void makeUnavailable();

  /** Ends {@link #makeUnavailable()}. */
  void heal();

  /**
   * Takes etcd down, keeping its data (etcd stopped; the fake: {@code Fault.down()}): calls fail
   * with {@code RegistryUnavailableException} and keep-alives fail, registrations turn {@code LOST}
   * once their TTL has passed since their last renewal, but no lease expires while no etcd runs.
   * On etcd it needs an etcd of the test's own ({@link EtcdLifecycle#PER_CLASS} or {@link
   * EtcdLifecycle#PER_METHOD}).
   */
  void stop();

  /**
   * Brings etcd back after {@link #stop()}: a new leader renews every lease to its TTL plus an
   * election timeout (etcd's lessor does so on promotion), and registrations that turned {@code
   * LOST} register again on new leases.
   */
  void start();

  /**
   * etcd loses all its data and starts afresh at the same endpoints: keys and leases are gone and
   * revisions start again; registrations find their leases gone and register again, watchers
   * list again and report the differences. On etcd it needs an etcd of the test's own.
   */
  void wipe();

  /**
   * Compacts etcd's history at the current revision: a watcher that was cut off ({@link
   * #makeUnavailable()}) and is behind cannot resume where it was, and lists again and reports the
   * differences once healed. On etcd this compacts the shared etcd too, harmlessly for others.
   */
  void compact();

  /**
   * etcd forgets the lease of {@code registration} (as if revoked by someone else): its key is gone
   * at once, and at its next keep-alive the registration hears "lease not found", turns {@code LOST}
   * and registers again on a new lease.
   */
  void loseLease(Registration registration);

  /**
   * Campaigns in the injected registry's election {@code election} as {@code candidateId} from
   * another program, over a connection of its own to the same store: {@link #makeUnavailable()} does
   * not cut it (its keep-alive goes on, and it hears who leads), so a test can cut a leader off and
   * watch this candidate take over. It resigns when the test ends (the fake: when its registry
   * closes). On etcd it is a registry of its own in the same namespace, talking to etcd directly.
   *
   * @param ttl the lease TTL, whole seconds
   */
  Candidacy campaignFromAnotherClient(String election, String candidateId, Duration ttl);

  /**
   * What the injected registry has told its {@link dev.registrykit.InvalidEntryListener} so far, in
   * the order it was told: the values that listings and watches skipped, each reported once per key
   * and modification revision.
   */
  List<InvalidEntry> invalidEntries();
}
