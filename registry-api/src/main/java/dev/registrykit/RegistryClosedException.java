package dev.registrykit;

/** The registry was used after {@link Registry#close()}. */
public class RegistryClosedException extends RegistryException {
  private static final long serialVersionUID = 1L;

  /** With a message that names the call that was refused. */
  public RegistryClosedException(String message) {
    super(message);
  }
}
