package dev.registrykit.fake;

import dev.registrykit.Recovery;
import dev.registrykit.Registration;
import dev.registrykit.RegistrationListener;
import dev.registrykit.RegistrationState;
import dev.registrykit.RegistryUnavailableException;
import dev.registrykit.ServiceInstance;
import dev.registrykit.Subscription;
import dev.registrykit.internal.InstanceCodec;
import dev.registrykit.internal.Listeners;
import java.time.Duration;

/**
 * One registration: its key on its lease, kept alive every TTL/3 of fake time as jetcd does,
 * {@code LOST} at its own deadline or when the server says the lease is gone, and registered again
 * by recovery.
 */
final class FakeRegistration implements Registration {

  private final FakeContext context;
  final ServiceInstance instance;
  final Duration ttl;
  final String key;
  private final Listeners<RegistrationListener> listeners = new Listeners<>();
  volatile RegistrationState state = RegistrationState.ACTIVE;
  Lessor.Lease lease;
  private final KeepAlive keepAlive;

  FakeRegistration(FakeContext context, ServiceInstance instance, Duration ttl) {
    this.context = context;
    this.instance = instance;
    this.ttl = ttl;
    this.key = InstanceCodec.key(context.settings.namespace(), instance);
    this.keepAlive = new KeepAlive(context, ttl, new Owner());
  }

  /** Whether it belongs to the registry of {@code other}. */
  boolean belongsTo(FakeContext other) {
    return context == other;
  }

  void attach(Lessor.Lease lease) {
    this.lease = lease;
    lease.owner = this;
    keepAlive.renewed();
  }

  /**
   * Its keep-alive's decisions: renewed while {@code ACTIVE}; {@code LOST} when the server says the
   * lease is gone or no renewal succeeded for a whole TTL (as EtcdRegistration gives up), and
   * registered again by recovery at the next keep-alive that reaches the server.
   */
  private final class Owner implements KeepAlive.Owner {

    @Override
    public boolean ended() {
      return state == RegistrationState.CLOSED;
    }

    @Override
    public boolean renewing() {
      return state == RegistrationState.ACTIVE;
    }

    @Override
    public boolean cutOff() {
      return context.faults.keepAliveFails(FakeRegistration.this);
    }

    @Override
    public Lessor.Lease lease() {
      return lease;
    }

    @Override
    public void reached() {
      boolean reregister = context.settings.recovery() instanceof Recovery.Reregister;
      if (state == RegistrationState.ACTIVE && lease.alive()) {
        keepAlive.renew();
      } else if (state == RegistrationState.ACTIVE) {
        // etcd answers "lease not found": LOST, and recovery tries at once, in this same tick
        changeState(RegistrationState.LOST);
        if (reregister) {
          recover();
        }
      } else if (state == RegistrationState.LOST && reregister) {
        recover();
      }
    }

    @Override
    public void deadlinePassed() {
      synchronized (context.lock) {
        if (state == RegistrationState.ACTIVE) {
          changeState(RegistrationState.LOST);
        }
      }
      context.callbacks.deliver();
    }
  }

  /** Under lock: this registration no longer counts as the live one of its key. */
  private void forget() {
    context.clients.forget(this);
    keepAlive.cancelDeadline();
  }

  @Override
  public ServiceInstance instance() {
    return instance;
  }

  @Override
  public Duration ttl() {
    return ttl;
  }

  @Override
  public RegistrationState state() {
    return state;
  }

  @Override
  public Subscription addListener(RegistrationListener listener) {
    return listeners.add(listener);
  }

  /** Keep-alive, as jetcd does it: every TTL/3. Under lock. */
  void scheduleKeepAlive() {
    keepAlive.schedule();
  }

  /** Under lock: its process dies; keep-alive stops and the key stays until the lease runs out. */
  void crash() {
    keepAlive.crash();
  }

  /** Under lock, when a fault heals: a failing keep-alive renews at once ({@link KeepAlive#resume()}). */
  void resumeKeepAlive() {
    keepAlive.resume();
  }

  /**
   * Under lock: registers again with a new lease and the same data, as EtcdRegistration's recovery
   * does: the put replaces the key (whatever lease holds it), then the old lease, if the server still
   * has it, is revoked; it holds no key any more.
   */
  private void recover() {
    Lessor.Lease old = lease;
    attach(context.clients.grantAndPut(this));
    if (old != null && old.alive()) {
      context.lessor.revoke(old);
    }
    changeState(RegistrationState.ACTIVE);
  }

  /** The lease ran out. Under lock. */
  void leaseExpired() {
    if (state == RegistrationState.ACTIVE) {
      changeState(RegistrationState.LOST);
    }
  }

  /**
   * The replace step: replaced by a newer registration of the same key, it revokes its lease, which
   * holds no key now (as EtcdRegistration's {@code retire}). Under lock.
   */
  void retire() {
    keepAlive.stop();
    Lessor.Lease mine = lease;
    if (mine != null) {
      context.lessor.revoke(mine);
    }
    changeState(RegistrationState.CLOSED);
    forget();
  }

  /** Stop keep-alive and let go, without reaching the server. Under lock. */
  void abandon() {
    keepAlive.cancel();
    changeState(RegistrationState.CLOSED);
    forget();
  }

  /** Delete the key if our lease still holds it, revoke the lease. Under lock. */
  void deregister() {
    if (state == RegistrationState.CLOSED) {
      return;
    }
    keepAlive.stop();
    if (lease != null) {
      context.lessor.revoke(lease);
    }
    changeState(RegistrationState.CLOSED);
    forget();
  }

  private void changeState(RegistrationState next) {
    RegistrationState previous = state;
    if (previous == next) {
      return;
    }
    state = next;
    listeners.forEach(listener -> context.callbacks.queue(() -> listener.stateChanged(this, previous, next)));
  }

  /**
   * Deregisters. While the fake is unavailable the state still becomes CLOSED and keep-alive stops
   * (the key vanishes when the lease runs out), and the failure is thrown.
   */
  @Override
  public void close() {
    RegistryUnavailableException failure = null;
    synchronized (context.lock) {
      if (state == RegistrationState.CLOSED) {
        return;
      }
      if (context.faults.unavailable()) {
        abandon();
        failure = new RegistryUnavailableException("deregistering " + key + " failed: the fake registry is "
            + "unavailable (injected Fault.unavailable()); the key vanishes when its lease runs out");
      } else {
        deregister();
      }
    }
    context.callbacks.deliver();
    if (failure != null) {
      throw failure;
    }
  }

  @Override
  public String toString() {
    return "FakeRegistration[" + key + ", ttl=" + ttl + ", " + state + "]";
  }
}
