package dev.registrykit.fake;

import dev.registrykit.Candidacy;
import dev.registrykit.Registration;
import dev.registrykit.RegistrationState;
import dev.registrykit.ServiceInstance;
import dev.registrykit.internal.InstanceCodec;
import dev.registrykit.internal.LiveRegistrations;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * The client side's registrations: the live one of each key, their leases granted and keys put, and
 * the test controls that act on a registration or a candidacy of this registry.
 */
final class Clients {

  private final FakeContext context;
  /** Under lock, as everything here. */
  private final LiveRegistrations<FakeRegistration> registrations = new LiveRegistrations<>();

  Clients(FakeContext context) {
    this.context = context;
  }

  /** See {@link FakeRegistry#register}; the arguments are checked already. */
  Registration register(ServiceInstance instance, Duration ttl) {
    FakeRegistration registration;
    synchronized (context.lock) {
      context.checkUsable("register");
      registration = new FakeRegistration(context, instance, context.settings.granted(ttl));
      Optional<FakeRegistration> replaced = registrations.add(registration.key, registration);
      registration.attach(grantAndPut(registration));
      replaced.ifPresent(FakeRegistration::retire);
      registration.scheduleKeepAlive();
    }
    context.callbacks.deliver();
    return registration;
  }

  /** Grants a lease for {@code registration} and puts its key on it. Under lock. */
  Lessor.Lease grantAndPut(FakeRegistration registration) {
    Lessor.Lease lease = context.lessor.grant(registration.ttl);
    context.store.put(registration.key, InstanceCodec.encode(registration.instance, context.settings.valueFormat()),
        lease.id, registration.instance);
    return lease;
  }

  /** Under lock: {@code registration} no longer counts as the live one of its key. */
  void forget(FakeRegistration registration) {
    registrations.forget(registration.key, registration);
  }

  /** {@code registration} as this registry's own, for the test control {@code call}. */
  FakeRegistration own(Registration registration, String call) {
    Objects.requireNonNull(registration, "registration must not be null");
    if (registration instanceof FakeRegistration own && own.belongsTo(context)) {
      return own;
    }
    throw new IllegalArgumentException(call + " needs a registration of this FakeRegistry but was: " + registration);
  }

  /** See {@link FakeRegistry#crash(Registration)}. */
  void crash(Registration registration) {
    FakeRegistration own = own(registration, "crash");
    synchronized (context.lock) {
      context.checkOpen("crash");
      own.crash();
    }
  }

  /** See {@link FakeRegistry#crash(Candidacy)}. */
  void crash(Candidacy candidacy) {
    Objects.requireNonNull(candidacy, "candidacy must not be null");
    if (!(candidacy instanceof FakeCandidacy own) || !own.belongsTo(context)) {
      throw new IllegalArgumentException("crash needs a candidacy of this FakeRegistry but was: " + candidacy);
    }
    synchronized (context.lock) {
      context.checkOpen("crash");
      own.crash();
    }
  }

  /** See {@link FakeRegistry#loseLease(Registration)}. */
  void loseLease(Registration registration) {
    FakeRegistration own = own(registration, "loseLease");
    synchronized (context.lock) {
      context.checkOpen("loseLease");
      if (own.state == RegistrationState.CLOSED) {
        throw new IllegalArgumentException("loseLease needs a registration that is not closed but was: " + own);
      }
      if (own.lease.alive()) {
        context.lessor.revoke(own.lease);
      }
    }
    context.callbacks.deliver();
  }

  /** The id of {@code registration}'s lease now. */
  long leaseId(Registration registration) {
    FakeRegistration own = own(registration, "leaseId");
    synchronized (context.lock) {
      return own.lease.id;
    }
  }

  /** Under lock, when a fault heals: failing keep-alives that work now renew at once. */
  void resumeKeepAlives() {
    for (FakeRegistration registration : registrations.oldestFirst()) {
      registration.resumeKeepAlive();
    }
  }

  /**
   * Under lock, when the registry closes: each registration deregisters ({@code reachable}), or lets
   * go as over a broken connection, its key going when its lease runs out.
   */
  void closeAll(boolean reachable) {
    for (FakeRegistration registration : registrations.oldestFirst()) {
      if (reachable) {
        registration.deregister();
      } else {
        registration.abandon();
      }
    }
  }
}
