package dev.registrykit.it.gonaming;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.awaitility.Awaitility;

/**
 * etcd's own Go naming as real processes: the {@code goclient} binary that {@code
 * scripts/build-go-interop.sh} builds from Debian's source packages (provision.sh runs it). Each
 * process's output lines are collected as they come; {@link #close()} ends every process it started.
 * Without the binary the tests fail (CI, {@code REGISTRYKIT_ETCD_REQUIRED=true}) or are skipped, with
 * the command that builds it.
 */
final class GoClient implements AutoCloseable {

  /** The binary: {@code registrykit.goclient} / {@code REGISTRYKIT_GO_CLIENT}, else where the script puts it. */
  static final Path BINARY = Path.of(setting("registrykit.goclient", "REGISTRYKIT_GO_CLIENT",
      "/opt/registrykit/go-interop/bin/goclient"));

  private final URI etcd;
  private final Duration bound;
  private final List<Proc> started = new ArrayList<>();

  GoClient(URI etcd, Duration bound) {
    this.etcd = etcd;
    this.bound = bound;
  }

  /** Whether the binary is there; the message says how to build it. */
  static String missingReason() {
    return Files.isExecutable(BINARY) ? null : "the Go interop client " + BINARY + " is missing: run "
        + "scripts/build-go-interop.sh as root (provision.sh does), or set REGISTRYKIT_GO_CLIENT";
  }

  /** A Go server registered with {@code endpoints.AddEndpoint(target + "/" + key)} on a lease; waits until it is. */
  Proc serve(String target, String key, String id, int ttlSeconds) {
    Proc server = start("serve", "-etcd", etcd.toString(), "-target", target, "-key", key, "-id", id,
        "-ttl", String.valueOf(ttlSeconds));
    server.awaitLine(line -> line.startsWith("READY "));
    return server;
  }

  /** A Go client calling {@code target} through etcd's resolver with round_robin, until closed. */
  Proc call(String target, int intervalMillis) {
    return start("call", "-etcd", etcd.toString(), "-target", target, "-interval", String.valueOf(intervalMillis));
  }

  private Proc start(String... arguments) {
    List<String> command = new ArrayList<>(List.of(BINARY.toString()));
    command.addAll(List.of(arguments));
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      Proc proc = new Proc(process);
      started.add(proc);
      Thread reader = new Thread(proc::read, "goclient-" + process.pid());
      reader.setDaemon(true);
      reader.start();
      return proc;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + command, e);
    }
  }

  @Override
  public void close() {
    for (Proc proc : started) {
      proc.process.destroyForcibly();
    }
    for (Proc proc : started) {
      try {
        proc.process.waitFor(10, TimeUnit.SECONDS); // time: load-free (cleanup: a killed process ends at once)
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private static String setting(String property, String variable, String fallback) {
    String value = System.getProperty(property);
    if (value == null || value.isBlank()) {
      value = System.getenv(variable);
    }
    return value == null || value.isBlank() ? fallback : value;
  }

  /** One goclient process and the lines it printed. */
  final class Proc {
    final Process process;
    final List<String> lines = new CopyOnWriteArrayList<>();

    private Proc(Process process) {
      this.process = process;
    }

    private void read() {
      try (BufferedReader reader = new BufferedReader(
          new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line = reader.readLine(); line != null; line = reader.readLine()) {
          lines.add(line);
        }
      } catch (IOException e) {
        lines.add("READ-ERROR " + e);
      }
    }

    /** Waits (bounded) for a line that {@code wanted} accepts and returns it. */
    String awaitLine(Predicate<String> wanted) {
      return Awaitility.await().atMost(bound).pollInterval(Duration.ofMillis(10))
          .until(() -> lines.stream().filter(wanted).findFirst().orElse(null),
              line -> {
                if (line == null && !process.isAlive()) {
                  throw new AssertionError("goclient ended (exit " + process.exitValue() + ") having printed: " + lines);
                }
                return line != null;
              });
    }

    /** The address of a {@code serve} process: {@code 127.0.0.1:port}. */
    String addr() {
      return awaitLine(line -> line.startsWith("READY ")).split(" ")[1];
    }

    /** Sends one command line ({@code delete}) to the process. */
    void send(String command) {
      try {
        OutputStream in = process.getOutputStream();
        in.write((command + "\n").getBytes(StandardCharsets.UTF_8));
        in.flush();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot write to goclient", e);
      }
    }

    /** A clean end: stdin closed, the process deletes its endpoint, revokes its lease and exits. */
    void closeCleanly() {
      try {
        process.getOutputStream().close();
        if (!process.waitFor(bound.toMillis(), TimeUnit.MILLISECONDS)) {
          throw new AssertionError("goclient did not end within " + bound + " after its stdin closed: " + lines);
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted", e);
      }
    }

    /** {@code kill -9}: the endpoint stays until its lease runs out. */
    void kill() {
      process.destroyForcibly();
    }

    /** The server ids of the calls printed since line {@code from} ({@code CALL <nanos> <id>}). */
    List<String> calledSince(int from) {
      List<String> ids = new ArrayList<>();
      for (String line : lines.subList(Math.min(from, lines.size()), lines.size())) {
        if (line.startsWith("CALL ")) {
          ids.add(line.split(" ")[2]);
        }
      }
      return ids;
    }
  }
}
