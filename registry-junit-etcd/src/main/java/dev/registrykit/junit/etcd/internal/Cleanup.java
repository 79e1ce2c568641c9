package dev.registrykit.junit.etcd.internal;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The safety net behind JUnit's store: whatever the extension starts is listed here until closed,
 * and a JVM shutdown hook closes what is left when the JVM ends without JUnit closing it ({@code
 * System.exit} in a test, Ctrl-C, SIGTERM from a build tool that gives up), since Testcontainers'
 * Ryuk cannot be relied on. A JVM killed with SIGKILL runs no shutdown hook, so what it started
 * stays: containers (labelled {@code dev.registrykit}) and etcd processes.
 */
final class Cleanup {

  private static final System.Logger LOG = System.getLogger(Cleanup.class.getName());

  private static final Set<AutoCloseable> OPEN = Collections.synchronizedSet(new LinkedHashSet<>());

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(Cleanup::closeAll, "registrykit-cleanup"));
  }

  private Cleanup() {
  }

  static void track(AutoCloseable resource) {
    OPEN.add(resource);
  }

  static void untrack(AutoCloseable resource) {
    OPEN.remove(resource);
  }

  private static void closeAll() {
    List<AutoCloseable> left;
    synchronized (OPEN) {
      left = new ArrayList<>(OPEN);
      OPEN.clear();
    }
    Collections.reverse(left);
    for (AutoCloseable resource : left) {
      try {
        resource.close();
      } catch (Exception e) {
        LOG.log(System.Logger.Level.WARNING, "could not clean up " + resource + ": " + e);
      }
    }
  }
}
