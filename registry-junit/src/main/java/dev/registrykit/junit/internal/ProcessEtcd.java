package dev.registrykit.junit.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * etcd run from a binary as a child process on free loopback ports, with a temporary data
 * directory that survives stop/start and kill/start and is deleted on close. Pause and unpause send
 * SIGSTOP/SIGCONT, so they need a POSIX {@code kill} command.
 */
final class ProcessEtcd implements EtcdServer {

  private static final Duration STARTUP = Duration.ofSeconds(30);

  private final Path binary;
  private final Path dataRoot;
  private final URI endpoint;
  private final List<String> command;
  private Process process;
  /** SIGSTOPped by {@link #pause()}; guarded by {@code this}. */
  private boolean paused;
  private volatile boolean closed;

  ProcessEtcd(Path binary) {
    this.binary = binary;
    int clientPort = Ports.free();
    int peerPort = Ports.free();
    this.endpoint = URI.create("http://127.0.0.1:" + clientPort);
    try {
      this.dataRoot = Files.createTempDirectory("registrykit-etcd-");
    } catch (IOException e) {
      throw new UncheckedIOException("could not create a data directory for etcd", e);
    }
    String peer = "http://127.0.0.1:" + peerPort;
    this.command = new ArrayList<>();
    command.add(binary.toString());
    command.addAll(EtcdFlags.singleMember(dataRoot.resolve("data").toString(), endpoint.toString(),
        endpoint.toString(), peer, peer));
    Cleanup.track(this);
    try {
      start();
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  @Override
  public String backend() {
    return "process";
  }

  @Override
  public List<URI> endpoints() {
    return List.of(endpoint);
  }

  @Override
  public synchronized void pause() {
    signal("STOP", "pause");
    paused = true;
  }

  @Override
  public synchronized void unpause() {
    signal("CONT", "unpause");
    paused = false;
  }

  private void signal(String signal, String control) {
    if (process == null || !process.isAlive()) {
      throw new IllegalStateException(control + "() needs a running etcd, but it was stopped or killed");
    }
    try {
      Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).inheritIO().start();
      if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
        throw new IllegalStateException(control + "() failed: kill -" + signal + " " + process.pid() + " did not succeed");
      }
    } catch (IOException e) {
      throw new UnsupportedOperationException(control + "() needs a POSIX kill command to send SIG" + signal
          + " to the etcd process, and this OS has none: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(control + "() was interrupted", e);
    }
  }

  @Override
  public synchronized void stop() {
    end(false);
  }

  @Override
  public synchronized void kill() {
    end(true);
  }

  private void end(boolean forcibly) {
    if (process == null) {
      return;
    }
    if (forcibly) {
      process.destroyForcibly(); // SIGKILL ends a stopped process too
    } else {
      if (paused && process.isAlive()) {
        signal("CONT", "stop"); // a stopped process would hold SIGTERM until continued
      }
      process.destroy();
    }
    paused = false;
    try {
      if (!process.waitFor(15, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
    process = null;
  }

  @Override
  public synchronized void restore() {
    start();
  }

  @Override
  public synchronized void start() {
    if (process != null && process.isAlive()) {
      if (paused) {
        unpause();
        Health.await(endpoint, STARTUP, "etcd process " + binary);
      }
      return;
    }
    try {
      process = new ProcessBuilder(command)
          .redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(dataRoot.resolve("etcd.log").toFile()))
          .start();
    } catch (IOException e) {
      throw new IllegalStateException("could not run " + binary + ": " + e.getMessage(), e);
    }
    try {
      Health.await(endpoint, STARTUP, "etcd process " + binary);
    } catch (RuntimeException e) {
      throw new IllegalStateException(e.getMessage() + "; its log: " + dataRoot.resolve("etcd.log"), e);
    }
  }

  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      end(true);
    }
    Cleanup.untrack(this);
    try (Stream<Path> files = Files.walk(dataRoot)) {
      files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    } catch (IOException e) {
      System.err.println("registrykit: could not delete " + dataRoot + ": " + e);
    }
  }

  @Override
  public String toString() {
    return "etcd process " + binary + " at " + endpoint;
  }
}
