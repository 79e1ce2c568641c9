package dev.registrykit.junit.internal;

import dev.registrykit.junit.BackendControls;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * What etcd itself reports of the lease behind a key (its {@code LeaseTimeToLive}): for the
 * contracts' checks of lease timing, which look at the lease instead of a wall-clock window, so that
 * a loaded machine can neither fail them nor leave them with nothing to check. Implemented by the
 * etcd {@link BackendControls}; the fake has its clock. Not API.
 */
public interface StoreLeases {

  /**
   * The lease that holds {@code {namespace}/{serviceName}/{instanceId}} now, empty if there is no such
   * key, it has no lease, or etcd no longer holds the lease.
   */
  Optional<LeaseTtl> leaseOfInstance(String serviceName, String instanceId);

  /** The lease of candidate {@code candidateId}'s key in election {@code election}, as above. */
  Optional<LeaseTtl> leaseOfCandidate(String election, String candidateId);

  /** {@code backend}'s lease reports, if it has them (etcd), else empty (the fake). */
  static Optional<StoreLeases> of(BackendControls backend) {
    return backend instanceof StoreLeases leases ? Optional.of(leases) : Optional.empty();
  }

  /**
   * A lease as etcd reports it: the TTL it was granted and the time it has left, both in whole seconds
   * as etcd gives them (the time left rounded down: zero means under a second left, or run out and
   * not yet removed).
   */
  record LeaseTtl(long leaseId, Duration granted, Duration remaining) {
    /** Checks both durations are there and the time left is not negative. */
    public LeaseTtl {
      Objects.requireNonNull(granted, "granted must not be null");
      Objects.requireNonNull(remaining, "remaining must not be null");
      if (remaining.isNegative()) {
        throw new IllegalArgumentException("remaining must not be negative but was: " + remaining);
      }
    }

    /** Whether etcd says at least a second of the lease is left: a look made now is before its TTL. */
    public boolean beforeItsTtl() {
      return remaining.compareTo(Duration.ofSeconds(1)) >= 0;
    }
  }
}
