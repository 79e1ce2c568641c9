package dev.registrykit.fake;

import java.util.ArrayList;
import java.util.List;

/** The faults in force, in the order they were injected, and what healing them sets going again. */
final class Faults {

  private final FakeContext context;
  /** Under lock. */
  private final List<ActiveFault> faults = new ArrayList<>();

  Faults(FakeContext context) {
    this.context = context;
  }

  /** See {@link FakeRegistry#inject(Fault)}; {@code fault} is checked already. */
  InjectedFault inject(Fault fault) {
    ActiveFault active = new ActiveFault(fault);
    synchronized (context.lock) {
      context.checkOpen("inject");
      boolean wasUnavailable = unavailable();
      faults.add(active);
      if (!wasUnavailable && unavailable()) {
        context.watches.streamsBroke();
      }
    }
    context.callbacks.deliver();
    return active;
  }

  /** The faults in force now, in the order they were injected. */
  List<Fault> list() {
    synchronized (context.lock) {
      List<Fault> result = new ArrayList<>();
      for (ActiveFault active : faults) {
        result.add(active.fault);
      }
      return List.copyOf(result);
    }
  }

  /** Heals every fault in force. */
  void healAll() {
    synchronized (context.lock) {
      boolean wasDown = down();
      faults.clear();
      healed(wasDown);
    }
    context.callbacks.deliver();
  }

  /** Whether this client cannot reach etcd: {@link Fault.Unavailable} or {@link Fault.Down} in force. Under lock. */
  boolean unavailable() {
    for (ActiveFault fault : faults) {
      if (fault.fault instanceof Fault.Unavailable || fault.fault instanceof Fault.Down) {
        return true;
      }
    }
    return false;
  }

  /** Whether etcd is stopped: no lease expires. Under lock. */
  boolean down() {
    for (ActiveFault fault : faults) {
      if (fault.fault instanceof Fault.Down) {
        return true;
      }
    }
    return false;
  }

  /** Whether a keep-alive of {@code registration} fails now. Under lock. */
  boolean keepAliveFails(FakeRegistration registration) {
    for (ActiveFault fault : faults) {
      if (fault.fault instanceof Fault.Unavailable || fault.fault instanceof Fault.Down
          || (fault.fault instanceof Fault.KeepAliveFailure k && k.registration() == registration)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Under lock, after a fault healed: failing keep-alives that may work now renew at once, and
   * once no outage is in force what was held back during it is queued for delivery.
   */
  private void healed(boolean downHealed) {
    if (downHealed && !down()) {
      context.lessor.promote(); // etcd started again and elected a leader
    }
    context.clients.resumeKeepAlives();
    context.elections.resumeKeepAlives();
    if (!unavailable()) {
      context.callbacks.releaseHeld();
      context.watches.caughtUp();
    }
  }

  private final class ActiveFault implements InjectedFault {
    final Fault fault;

    ActiveFault(Fault fault) {
      this.fault = fault;
    }

    @Override
    public Fault fault() {
      return fault;
    }

    @Override
    public void heal() {
      synchronized (context.lock) {
        if (!faults.remove(this)) {
          return;
        }
        healed(fault instanceof Fault.Down);
      }
      context.callbacks.deliver();
    }

    @Override
    public String toString() {
      return "InjectedFault[" + fault + "]";
    }
  }
}
