package dev.registrykit;

/**
 * {@link ServiceCache#require()} found no instance to pick: none is registered, or every one is
 * marked down or filtered out. The message names the service and how many instances are registered,
 * down and filtered out, such as {@code no instance of orders available: 2 registered, 2 down, 0
 * filtered out (cache CURRENT)}.
 */
public class NoInstanceAvailableException extends RegistryException {
  private static final long serialVersionUID = 1L;

  /** With a message that says which service had no instance, and why. */
  public NoInstanceAvailableException(String message) {
    super(message);
  }
}
