package dev.registrykit.fake;

import dev.registrykit.RegistryClosedException;
import dev.registrykit.RegistryUnavailableException;
import dev.registrykit.internal.CloseOrder;

/**
 * The rooms of one {@link FakeRegistry} and the one lock they share: the "server" ({@link Store},
 * {@link Lessor}, {@link WatchHub}, {@link Elections}), the client side ({@link Clients}), the
 * {@link Faults} in force and the {@link Callbacks} waiting to run. Every part's mutable state is
 * guarded by {@link #lock}; callbacks run outside it.
 */
final class FakeContext {

  final Object lock = new Object();
  final FakeSettings settings;
  final FakeClock clock;
  final Callbacks callbacks;
  final Faults faults;
  final Store store;
  final Lessor lessor;
  final WatchHub watches;
  final Elections elections;
  final Clients clients;
  /** Whether the registry was closed. Under lock. */
  boolean closed;

  FakeContext(FakeSettings settings) {
    this.settings = settings;
    this.clock = settings.clock();
    this.callbacks = new Callbacks(this);
    this.faults = new Faults(this);
    this.store = new Store(this);
    this.lessor = new Lessor(this);
    this.watches = new WatchHub(this);
    this.elections = new Elections(this);
    this.clients = new Clients(this);
  }

  /** Under lock. */
  void checkOpen(String call) {
    if (closed) {
      throw new RegistryClosedException(call + " refused: this FakeRegistry is closed");
    }
  }

  /**
   * Another program's call: its own connection works during {@link Fault#unavailable()} and after
   * this registry was closed, but not while etcd is {@link Fault#down() down}. Under lock.
   */
  void checkOtherClient(String call) {
    if (faults.down()) {
      throw downFailure(call);
    }
  }

  private static RegistryUnavailableException downFailure(String call) {
    return new RegistryUnavailableException(call + " failed: the fake registry is unavailable (injected "
        + "Fault.down(); heal it to start etcd again)");
  }

  /** This registry's own call. Under lock. */
  void checkUsable(String call) {
    checkOpen(call);
    if (faults.down()) {
      throw downFailure(call);
    }
    if (faults.unavailable()) {
      throw new RegistryUnavailableException(call + " failed: the fake registry is unavailable (injected "
          + "Fault.unavailable(); heal it to reconnect)");
    }
  }

  /** See {@link FakeRegistry#close()}: in {@link CloseOrder}'s order, as every registry closes. Idempotent. */
  void close() {
    synchronized (lock) {
      if (closed) {
        return;
      }
      try {
        // the fake has no threads of its own: its last step drops what was held for closed watches and observers
        CloseOrder.close(watches::closeAll, () -> clients.closeAll(!faults.unavailable()), elections::closeAll,
            callbacks::dropHeld);
      } finally {
        closed = true;
      }
    }
    callbacks.deliver();
  }
}
