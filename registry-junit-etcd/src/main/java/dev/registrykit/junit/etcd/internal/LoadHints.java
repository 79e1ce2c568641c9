package dev.registrykit.junit.etcd.internal;

import dev.registrykit.junit.internal.Settings;
import dev.registrykit.RegistryUnavailableException;

/**
 * What a failure on etcd says when etcd was slower than a test's time bounds: the bounds are scaled
 * by {@code registrykit.time.scale}, and on a loaded machine that is the setting to raise. The fake
 * needs no such words: its time does not depend on the machine.
 */
final class LoadHints {

  /** What {@link RegistryUnavailableException}'s message says when a call ran out of time. */
  private static final String TIMED_OUT = "did not answer within";

  private LoadHints() {
  }

  /** The words appended to a failure whose bound was {@code scale} times its default. */
  static String raiseTheScale(double scale) {
    return " (on etcd the toolkit's time bounds are scaled by " + Settings.TIME_SCALE + ", now " + scale
        + ": on a loaded machine raise it, e.g. -D" + Settings.TIME_SCALE + "=2 or " + Settings.envName(Settings.TIME_SCALE)
        + "=2)";
  }

  /**
   * {@code failure} as a test should report it: a call of the test's registry that ran out of time
   * is thrown again with {@link #raiseTheScale(double)} appended to its message (same type, same
   * stack, the original as its cause); anything else as it is.
   */
  static Throwable explain(Throwable failure) {
    if (failure instanceof RegistryUnavailableException unavailable && unavailable.getMessage() != null
        && unavailable.getMessage().contains(TIMED_OUT) && !unavailable.getMessage().contains(Settings.TIME_SCALE)) {
      RegistryUnavailableException explained =
          new RegistryUnavailableException(unavailable.getMessage() + raiseTheScale(Settings.timeScale()), unavailable);
      explained.setStackTrace(unavailable.getStackTrace());
      return explained;
    }
    return failure;
  }
}
