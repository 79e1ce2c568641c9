package dev.registrykit.junit.etcd.internal;

import dev.registrykit.junit.internal.Settings;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;

/**
 * What a test needs from the machine beyond what the extension would pick by itself: without it the
 * test is skipped, unless {@code registrykit.etcd.required=true} (as in CI), where a skip would hide
 * that the test never ran, so it fails instead. For registrykit's own tests (registry-junit's and
 * registry-bench's), with the {@code registrykit.etcd.required} rule of the extension; not API.
 */
final class Needs {

  private Needs() {
  }

  /** The etcd binary the process source would run. */
  static Path etcdBinary() {
    Optional<Path> binary = EtcdSources.binary();
    require(binary.isPresent(), "an etcd binary (none on the PATH, or -D" + Settings.BINARY
        + " names no executable file)", Settings.required());
    return binary.orElseThrow();
  }

  /** A Docker engine that Testcontainers reaches (the extension's own probe). */
  static void docker() {
    require(EtcdSources.dockerAvailable(), "Docker", Settings.required());
  }

  /**
   * Returns if {@code present}; else skips the calling test, or fails it if {@code required}.
   *
   * @param what what the test needs, as in "this test needs {@code what}"
   */
  static void require(boolean present, String what, boolean required) {
    if (present) {
      return;
    }
    if (required) {
      fail("this test needs " + what + ", and " + Settings.REQUIRED + "=true forbids skipping it");
    }
    Assumptions.abort("this test needs " + what + "; skipped, since " + Settings.REQUIRED + " is not true");
  }
}
