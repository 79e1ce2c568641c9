package dev.registrykit;

/** The root of registrykit's exceptions: something went wrong talking to a registry. */
public class RegistryException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** With a message that says what failed. */
  public RegistryException(String message) {
    super(message);
  }

  /** With a message that says what failed, and its cause. */
  public RegistryException(String message, Throwable cause) {
    super(message, cause);
  }
}
