package dev.registrykit.fake;

/**
 * What a {@link FakeRegistry} does with a registration whose lease ran out while its process lives
 * (keep-alive failed): register it again, as {@code EtcdRegistry} does by default, or leave it
 * {@link dev.registrykit.RegistrationState#LOST}.
 */
public enum Recovery {
  /** At the first keep-alive tick that succeeds, register again with a new lease (the default). */
  REREGISTER,
  /** Stay {@code LOST} until closed. */
  NONE
}
