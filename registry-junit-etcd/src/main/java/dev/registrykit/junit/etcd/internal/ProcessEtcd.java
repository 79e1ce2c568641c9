package dev.registrykit.junit.etcd.internal;

import dev.registrykit.junit.TimeScale;
import dev.registrykit.junit.internal.Settings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * etcd run from a binary as child processes, one per member, on free loopback client and peer
 * ports, each with a temporary data directory that survives stop/start and kill/start and is deleted
 * on {@link #wipe()} and close. Pause and unpause send SIGSTOP/SIGCONT, so they need a POSIX {@code
 * kill} command. A partition needs network namespaces, so it is refused.
 */
final class ProcessEtcd extends ControlledEtcd {

  private static final System.Logger LOG = System.getLogger(ProcessEtcd.class.getName());

  private final Path binary;
  private final Path dataRoot;
  private final int[] peerPorts;
  private final Process[] processes;
  private final List<List<String>> commands = new ArrayList<>();

  ProcessEtcd(Path binary) {
    this(binary, 1);
  }

  ProcessEtcd(Path binary, int members) {
    this(binary, freePorts(members), freePorts(members));
  }

  private ProcessEtcd(Path binary, int[] clientPorts, int[] peerPorts) {
    super(IntStream.of(clientPorts).mapToObj(port -> URI.create("http://127.0.0.1:" + port)).toList());
    this.binary = binary;
    this.peerPorts = peerPorts;
    this.processes = new Process[clientPorts.length];
    try {
      this.dataRoot = Files.createTempDirectory("registrykit-etcd-");
    } catch (IOException e) {
      throw new UncheckedIOException("could not create a data directory for etcd", e);
    }
    Cleanup.track(this);
    try {
      launch();
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  private static int[] freePorts(int members) {
    return IntStream.range(0, members).map(m -> Ports.free()).toArray();
  }

  @Override
  public String source() {
    return "process";
  }

  @Override
  String what() {
    return "etcd process " + binary;
  }

  @Override
  String diagnostics(int member) {
    return "; its log: " + log(member);
  }

  private Path log(int member) {
    return dataRoot.resolve(name(member) + ".log");
  }

  private String peer(int member) {
    return "http://127.0.0.1:" + peerPorts[member];
  }

  @Override
  synchronized void launchAll() {
    String token = "registrykit-" + UUID.randomUUID().toString().substring(0, 8);
    String initialCluster = IntStream.range(0, size()).mapToObj(m -> name(m) + "=" + peer(m))
        .collect(Collectors.joining(","));
    commands.clear();
    for (int m = 0; m < size(); m++) {
      List<String> command = new ArrayList<>();
      command.add(binary.toString());
      String client = endpoints().get(m).toString();
      command.addAll(EtcdFlags.member(m, dataRoot.resolve(name(m)).toString(), client, client, peer(m), peer(m),
          initialCluster, token, size()));
      commands.add(command);
    }
    for (int m = 0; m < size(); m++) {
      doStart(m);
    }
  }

  @Override
  synchronized void doStart(int member) {
    try {
      processes[member] = new ProcessBuilder(commands.get(member))
          .redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(log(member).toFile()))
          .start();
    } catch (IOException e) {
      throw new IllegalStateException("could not run " + binary + ": " + e.getMessage(), e);
    }
  }

  @Override
  synchronized boolean exited(int member) {
    return processes[member] == null || !processes[member].isAlive();
  }

  @Override
  void doPause(int member) {
    signal(member, "STOP", "pause");
  }

  @Override
  void doUnpause(int member) {
    signal(member, "CONT", "unpause");
  }

  private void signal(int member, String signal, String control) {
    Process process = processes[member];
    if (process == null || !process.isAlive()) {
      throw new IllegalStateException(control(control + "()", member) + " needs a running etcd, but "
          + name(member) + " has exited; its log: " + log(member));
    }
    try {
      Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).inheritIO().start();
      if (!kill.waitFor(TimeScale.scaled(Duration.ofSeconds(10)).toMillis(), TimeUnit.MILLISECONDS) || kill.exitValue() != 0) {
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
  void doStop(int member) {
    end(member, false);
  }

  @Override
  void doKill(int member) {
    end(member, true);
  }

  private synchronized void end(int member, boolean forcibly) {
    Process process = processes[member];
    if (process == null) {
      return;
    }
    if (forcibly) {
      process.destroyForcibly(); // SIGKILL ends a stopped process too
    } else {
      process.destroy();
    }
    try {
      if (!process.waitFor(TimeScale.scaled(Duration.ofSeconds(15)).toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly().waitFor(TimeScale.scaled(Duration.ofSeconds(5)).toMillis(), TimeUnit.MILLISECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
    processes[member] = null;
  }

  @Override
  public void partition(int member) {
    throw noPartition("partition()");
  }

  @Override
  public void heal(int member) {
    throw noPartition("heal()");
  }

  private static UnsupportedOperationException noPartition(String control) {
    return new UnsupportedOperationException(control + " needs the container source (Docker): the process source "
        + "cannot cut one etcd process off from its peers; run with Docker or -D" + Settings.SOURCE + "=container");
  }

  @Override
  void doPartition(int member) {
    throw noPartition("partition()");
  }

  @Override
  void doHeal(int member) {
    throw noPartition("heal()");
  }

  @Override
  synchronized void discardAll() {
    for (int m = 0; m < size(); m++) {
      end(m, true);
      delete(dataRoot.resolve(name(m)));
    }
  }

  @Override
  void release() {
    delete(dataRoot);
  }

  private static void delete(Path path) {
    if (!Files.exists(path)) {
      return;
    }
    try (Stream<Path> files = Files.walk(path)) {
      files.sorted(Comparator.reverseOrder()).forEach(file -> file.toFile().delete());
    } catch (IOException e) {
      LOG.log(System.Logger.Level.WARNING, "could not delete " + path + ": " + e);
    }
  }

  @Override
  public String toString() {
    return size() == 1 ? "etcd process " + binary + " at " + endpoints().get(0)
        : size() + "-member etcd cluster of " + binary + " processes at " + endpoints();
  }
}
