package dev.registrykit.junit.contract;

import dev.registrykit.Registration;
import dev.registrykit.Registry;
import dev.registrykit.junit.BackendControls;
import dev.registrykit.junit.RegistryTime;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.platform.commons.support.AnnotationSupport;
import org.junit.platform.commons.support.HierarchyTraversalMode;

/**
 * The behaviour every {@link Registry} must have, as tests: extend this class and annotate the
 * subclass with the extension that supplies the registry, so the same tests run on each backend.
 *
 * <pre>{@code
 * @FakeRegistryTest(minimumTtlSeconds = 1)
 * class FakeRegistryContractTest extends RegistryContract { }
 *
 * @EtcdRegistryTest // a shared etcd will do: the outage test cuts only its registry's connection
 * class EtcdRegistryContractTest extends RegistryContract { }
 * }</pre>
 *
 * <p>Every test takes the {@link Registry}, and where it needs them the {@link RegistryTime} and
 * the {@link BackendControls}, as parameters. Events are checked with {@link
 * RegistryTime#eventually(org.junit.jupiter.api.function.Executable)}, which runs once on the fake (it calls listeners before
 * returning) and polls on etcd (it calls them on its own thread).
 *
 * <h2>Where the backends differ, on purpose</h2>
 * <ul>
 *   <li><b>Expiry timing.</b> Both remove an expired key at the first expiry check after its TTL
 *       ran out: the fake's checks come exactly every {@code expiryCheckInterval} (500 ms by
 *       default, as etcd's), etcd's about every 500 ms plus a round of consensus, so a crashed
 *       instance goes between TTL and TTL + {@link RegistryTime#expiryMargin()} (the fake: TTL +
 *       500 ms; etcd: 1.5 s, scaled). Tests wait with {@link RegistryTime#awaitExpiry(Registration)},
 *       which allows for that. That nothing goes before its TTL is checked on the fake a tick of its
 *       clock before the TTL, on etcd for as long as etcd itself reports at least a second of the
 *       lease left (its {@code LeaseTimeToLive}), with no wall-clock window a busy machine could
 *       empty.</li>
 *   <li><b>Revision numbers.</b> Both number every write and never go back, but the fake counts
 *       the writes to its own store, while etcd's revision is the whole cluster's (a write
 *       anywhere in etcd, outside the registry's namespace too, moves it), so tests compare
 *       revisions, never their values.</li>
 *   <li><b>An outage</b> ({@link BackendControls#makeUnavailable()}). The fake fails at once; on
 *       etcd, where it cuts the registry's connection through a proxy while etcd runs on, a call
 *       fails after the call timeout.</li>
 *   <li><b>Minimum TTL.</b> Whatever the server's minimum is: the fake's is a setting (2 s by
 *       default, as etcd's default flags; 1 s to match the etcd the toolkit starts).</li>
 * </ul>
 *
 * <p>registrykit's own runs pin each difference with a {@code difference…} test beside the contract
 * ({@code FakeRegistryContractTest} and {@code EtcdRegistryContractTest} in {@code tests/registry-contracts-it}).
 *
 * <p>The tests are in its parts, one interface per theme, each of which a test class may also
 * implement alone: {@link ListingContract}, {@link RegistrationContract}, {@link WatchContract},
 * {@link ElectionContract}, {@link ValueFormatContract} and {@link ValidationContract}.
 */
public abstract class RegistryContract implements ListingContract, RegistrationContract, WatchContract,
    ElectionContract, ValueFormatContract, ValidationContract {

  /** A TTL long enough that nothing expires during a test unless it is crashed. */
  protected static final Duration LONG_TTL = ContractSupport.LONG_TTL;
  /** A TTL short enough to test expiry on etcd in about a second. */
  protected static final Duration SHORT_TTL = ContractSupport.SHORT_TTL;

  /** For the subclass that runs the contract (see above). */
  protected RegistryContract() {
  }

  /** How many contract tests there are, in all its parts, for subclasses that check they all ran. */
  public static long testCount() {
    return AnnotationSupport.findAnnotatedMethods(RegistryContract.class, Test.class, HierarchyTraversalMode.TOP_DOWN)
        .size();
  }
}
