package dev.registrykit.etcd.internal;

/** Lets {@code EtcdRegistry} reach the test-only control of its candidacies across packages. */
public final class EtcdCandidacyAccess {

  private EtcdCandidacyAccess() {
  }

  /** A candidacy that a test can crash. */
  public interface Crashable {
    /** Stops keep-alive without resigning. */
    void crashForTests();

    /** Whether this candidacy was made by the registry of {@code registry}. */
    boolean belongsTo(RegistryContext registry);
  }
}
