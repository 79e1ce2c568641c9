package dev.registrykit.junit.etcd.internal;

import dev.registrykit.junit.internal.Settings;
import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.exception.ConflictException;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.PortBinding;
import com.github.dockerjava.api.model.Ports;
import dev.registrykit.junit.TimeScale;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.lease.LeaseKeepAliveResponse;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import io.etcd.jetcd.support.CloseableClient;
import io.etcd.jetcd.support.Observers;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import org.testcontainers.DockerClientFactory;

/**
 * The one etcd container that the test JVMs of this machine share when {@code registrykit.etcd.share}
 * is {@code machine} (surefire's {@code forkCount}, Gradle's {@code maxParallelForks}): found by its
 * name, which follows from the image, or started by the first JVM that finds none. Tests stay apart
 * by namespace, as on any shared etcd.
 *
 * <p>Who uses it is kept in the container's own etcd: each JVM puts a key under {@value #USERS} on a
 * lease of {@link #USER_TTL} that it keeps alive. The JVM that finishes last removes the container: it
 * puts {@value #CLOSING}, revokes its own key, and removes the container only if no user key is left
 * (else it takes the mark back). A JVM that joins puts its key first and then reads the mark; if it is
 * there it leaves and tries again, so a container is never removed under a JVM that joined it. A JVM
 * killed without closing leaves a key that expires after {@link #USER_TTL}; if every JVM of a run was
 * killed, the container stays, labelled {@code dev.registrykit}, and the next run uses it and removes
 * it at its end (or {@code docker rm -f} by its name).
 */
final class SharedContainer implements AutoCloseable {

  private static final System.Logger LOG = System.getLogger(SharedContainer.class.getName());

  static final String NAME_PREFIX = "registrykit-shared-etcd-";
  /** The label that carries the image on a shared container. */
  static final String SHARED_LABEL = "dev.registrykit.shared";
  static final String USERS = "/registrykit-shared/users/";
  static final String CLOSING = "/registrykit-shared/closing";
  static final Duration USER_TTL = Duration.ofSeconds(10);
  /** How long joining may take in all (starting the container, waiting for another JVM to remove one). */
  private static final Duration JOIN_BOUND = Duration.ofSeconds(60);
  private static final Duration CALL = Duration.ofSeconds(5);
  /** How long a created container may stay unstarted before it counts as left by a JVM that died. */
  private static final Duration ABANDONED = Duration.ofSeconds(20);

  private final String name;
  private final Client client;
  private final long lease;
  private final CloseableClient keepAlive;
  private boolean closed;

  private SharedContainer(String name, Client client, long lease, CloseableClient keepAlive) {
    this.name = name;
    this.client = client;
    this.lease = lease;
    this.keepAlive = keepAlive;
  }

  /** The name of the shared container of {@code image}: the same in every JVM. */
  static String name(String image) {
    return NAME_PREFIX + Integer.toHexString(image.hashCode());
  }

  /**
   * Joins the shared container of {@code image}, starting it if there is none; the returned etcd's
   * close leaves it (and removes the container if this JVM was its last user).
   *
   * @throws IllegalStateException if it could not be joined within {@link #JOIN_BOUND} (scaled)
   */
  static Etcd join(String image) {
    String name = name(image);
    long deadline = System.nanoTime() + TimeScale.scaled(JOIN_BOUND).toNanos();
    List<String> tried = new ArrayList<>();
    while (true) {
      Optional<URI> endpoint = running(name).or(() -> create(name, image));
      if (endpoint.isPresent()) {
        Optional<SharedContainer> joined = join(name, endpoint.get(), deadline, tried);
        if (joined.isPresent()) {
          SharedContainer shared = joined.get();
          Cleanup.track(shared);
          return new ExternalEtcd(List.of(endpoint.get()), "container", "etcd container " + name + " of " + image
              + ", shared by the test JVMs of this machine", "(the container " + name + " that the test JVMs of this "
              + "machine share, " + Settings.SHARE + "=machine): it is not this JVM's to break. Give the class an etcd"
              + " of its own with @EtcdRegistryTest(lifecycle = EtcdLifecycle.PER_CLASS).", shared::close);
        }
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("could not join the shared etcd container " + name + " of " + image
            + " within " + TimeScale.scaled(JOIN_BOUND) + (tried.isEmpty() ? "" : " (" + String.join("; ", tried) + ")")
            + "; remove it with docker rm -f " + name + ", or unset " + Settings.SHARE
            + " to give each test JVM its own etcd");
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
    }
  }

  private static DockerClient docker() {
    return DockerClientFactory.instance().client();
  }

  /**
   * The client endpoint of the running container {@code name}. One that has exited is removed; one
   * just created is being started by another JVM, so it is left alone (it counts as abandoned, and is
   * removed, only after {@link #ABANDONED}).
   */
  private static Optional<URI> running(String name) {
    try {
      InspectContainerResponse container = docker().inspectContainerCmd(name).exec();
      if (!Boolean.TRUE.equals(container.getState().getRunning())) {
        boolean starting = "created".equals(container.getState().getStatus())
            && Instant.parse(container.getCreated()).isAfter(Instant.now().minus(TimeScale.scaled(ABANDONED)));
        if (!starting) {
          remove(name);
        }
        return Optional.empty();
      }
      Ports.Binding[] bindings = container.getHostConfig().getPortBindings().getBindings().get(ExposedPort.tcp(2379));
      return Optional.of(URI.create("http://127.0.0.1:" + bindings[0].getHostPortSpec()));
    } catch (NotFoundException e) {
      return Optional.empty();
    }
  }

  /** Creates and starts the container {@code name}; empty if another JVM created it first. */
  private static Optional<URI> create(String name, String image) {
    int port = dev.registrykit.junit.etcd.internal.Ports.free();
    URI endpoint = URI.create("http://127.0.0.1:" + port);
    List<String> command = EtcdFlags.container(image, 0, endpoint.toString(), "http://127.0.0.1:2380",
        EtcdFlags.name(0) + "=http://127.0.0.1:2380", name, 1);
    ExposedPort client = ExposedPort.tcp(2379);
    try {
      String id = docker().createContainerCmd(image).withName(name)
          .withLabels(Map.of(ContainerEtcd.LABEL, "true", SHARED_LABEL, image))
          .withCmd(command).withExposedPorts(client)
          .withHostConfig(HostConfig.newHostConfig()
              .withPortBindings(new PortBinding(Ports.Binding.bindIpAndPort("127.0.0.1", port), client)))
          .exec().getId();
      docker().startContainerCmd(id).exec();
      LOG.log(System.Logger.Level.INFO, () -> "started the shared etcd container " + name + " of " + image
          + " at " + endpoint);
      return Optional.of(endpoint);
    } catch (ConflictException e) {
      return Optional.empty(); // another JVM named it first (or it is still being removed): look again
    } catch (DockerException e) {
      LOG.log(System.Logger.Level.INFO, () -> "could not start the shared etcd container " + name + " (" + e.getMessage()
          + "); trying again");
      remove(name); // such as a port another program took meanwhile
      return Optional.empty();
    }
  }

  private static void remove(String name) {
    try {
      docker().removeContainerCmd(name).withForce(true).withRemoveVolumes(true).exec();
    } catch (NotFoundException | ConflictException e) {
      // gone already, or being removed by another JVM
    }
  }

  /** Puts this JVM's user key, unless the container is closing; empty (and nothing held) if not joined. */
  private static Optional<SharedContainer> join(String name, URI endpoint, long deadline, List<String> tried) {
    Client client = Client.builder().endpoints(endpoint).build();
    try {
      // A container just started needs about a second; the whole join shares one deadline.
      Health.await(endpoint, Duration.ofNanos(Math.max(deadline - System.nanoTime(), TimeScale.scaled(CALL).toNanos())),
          "the shared etcd container " + name);
      long lease = client.getLeaseClient().grant(USER_TTL.toSeconds()).get(TimeScale.scaled(CALL).toMillis(), TimeUnit.MILLISECONDS)
          .getID();
      client.getKVClient().put(bytes(USERS + ContainerEtcd.SESSION), bytes(Long.toString(ProcessHandle.current().pid())),
          PutOption.builder().withLeaseId(lease).build()).get(TimeScale.scaled(CALL).toMillis(), TimeUnit.MILLISECONDS);
      if (client.getKVClient().get(bytes(CLOSING)).get(TimeScale.scaled(CALL).toMillis(), TimeUnit.MILLISECONDS).getCount() > 0) {
        client.getLeaseClient().revoke(lease).get(TimeScale.scaled(CALL).toMillis(), TimeUnit.MILLISECONDS);
        client.close();
        return Optional.empty(); // its last user is removing it: wait until it is gone, then start one
      }
      CloseableClient keepAlive = client.getLeaseClient().keepAlive(lease, Observers.<LeaseKeepAliveResponse>builder()
          .onError(failure -> LOG.log(System.Logger.Level.WARNING, "keep-alive of this JVM's use of " + name
              + " failed: " + failure)).build());
      return Optional.of(new SharedContainer(name, client, lease, keepAlive));
    } catch (ExecutionException | TimeoutException | RuntimeException e) {
      tried.add(endpoint + ": " + e);
      client.close();
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      client.close();
      throw new IllegalStateException("interrupted while joining the shared etcd container " + name, e);
    }
  }

  private static ByteSequence bytes(String text) {
    return ByteSequence.from(text, StandardCharsets.UTF_8);
  }

  /** Leaves the container; removes it if no other JVM uses it. Idempotent. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    Cleanup.untrack(this);
    keepAlive.close();
    boolean last = false;
    try {
      long mark = client.getLeaseClient().grant(USER_TTL.toSeconds()).get(TimeScale.scaled(CALL).toMillis(), TimeUnit.MILLISECONDS)
          .getID();
      client.getKVClient().put(bytes(CLOSING), bytes(ContainerEtcd.SESSION), PutOption.builder().withLeaseId(mark)
          .build()).get(TimeScale.scaled(CALL).toMillis(), TimeUnit.MILLISECONDS);
      client.getLeaseClient().revoke(lease).get(TimeScale.scaled(CALL).toMillis(), TimeUnit.MILLISECONDS);
      last = client.getKVClient().get(bytes(USERS), GetOption.builder().isPrefix(true).withCountOnly(true).build())
          .get(TimeScale.scaled(CALL).toMillis(), TimeUnit.MILLISECONDS).getCount() == 0;
      if (!last) {
        client.getLeaseClient().revoke(mark).get(TimeScale.scaled(CALL).toMillis(), TimeUnit.MILLISECONDS);
      }
    } catch (ExecutionException | TimeoutException e) {
      LOG.log(System.Logger.Level.WARNING, "could not leave the shared etcd container " + name + " cleanly (" + e
          + "); its key here expires in " + USER_TTL);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      client.close();
    }
    if (last) {
      remove(name);
      LOG.log(System.Logger.Level.INFO, () -> "removed the shared etcd container " + name + ": no test JVM uses it");
    }
  }

  @Override
  public String toString() {
    return "this JVM's use of the shared etcd container " + name;
  }
}
