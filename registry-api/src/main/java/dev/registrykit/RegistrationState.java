package dev.registrykit;

/** Where a {@link Registration} stands in its life. */
public enum RegistrationState {
  /** The instance is registered and its lease is being kept alive. */
  ACTIVE,
  /**
   * The lease ran out or keep-alive failed: the instance may no longer be visible to others. A
   * registry with recovery on registers it again (with a new lease) when it can, and the state
   * returns to {@link #ACTIVE}.
   */
  LOST,
  /** Deregistered by {@link Registration#close()} (or replaced, or its registry closed). Final. */
  CLOSED
}
