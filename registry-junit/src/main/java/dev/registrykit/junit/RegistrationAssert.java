package dev.registrykit.junit;

import dev.registrykit.Registration;
import dev.registrykit.RegistrationState;
import org.assertj.core.api.AbstractAssert;

/** Assertions on a {@link Registration}; start from {@link RegistryAssertions#assertThat(Registration)}. */
public final class RegistrationAssert extends AbstractAssert<RegistrationAssert, Registration> {

  RegistrationAssert(Registration actual) {
    super(actual, RegistrationAssert.class);
  }

  /** The registration is {@link RegistrationState#ACTIVE}. */
  public RegistrationAssert isActive() {
    return hasState(RegistrationState.ACTIVE);
  }

  /** The registration is {@link RegistrationState#LOST}. */
  public RegistrationAssert isLost() {
    return hasState(RegistrationState.LOST);
  }

  /** The registration is {@link RegistrationState#CLOSED}. */
  public RegistrationAssert isClosed() {
    return hasState(RegistrationState.CLOSED);
  }

  /** The registration is in {@code expected}. */
  public RegistrationAssert hasState(RegistrationState expected) {
    isNotNull();
    RegistrationState state = actual.state();
    if (state != expected) {
      failWithMessage("Expecting registration of %s to be %s but was %s",
          Describe.instance(actual.instance()), expected, state);
    }
    return this;
  }
}
