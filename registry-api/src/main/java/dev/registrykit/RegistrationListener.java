package dev.registrykit;

/**
 * Hears the state changes of one {@link Registration}.
 *
 * <p>Called once per change, in order, never concurrently for the same registration. A listener
 * that throws is logged and otherwise ignored: it cannot break the registration.
 */
@FunctionalInterface
public interface RegistrationListener {

  /**
   * The registration went from {@code previous} to {@code current}.
   *
   * @param registration the registration whose state changed
   * @param previous     the state before
   * @param current      the state now
   */
  void stateChanged(Registration registration, RegistrationState previous, RegistrationState current);
}
