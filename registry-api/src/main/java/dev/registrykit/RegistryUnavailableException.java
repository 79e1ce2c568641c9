package dev.registrykit;

/**
 * The registry could not be reached, or did not answer within the call timeout. Retrying later can
 * succeed.
 */
public class RegistryUnavailableException extends RegistryException {
  private static final long serialVersionUID = 1L;

  /** With a message that says what failed. */
  public RegistryUnavailableException(String message) {
    super(message);
  }

  /** With a message that says what failed, and its cause. */
  public RegistryUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
