package dev.registrykit.junit.etcd.internal;

import dev.registrykit.junit.TimeScale;
import dev.registrykit.junit.internal.Settings;
import java.net.URI;
import java.util.List;

/**
 * An etcd registrykit does not control: one the user runs ({@code REGISTRYKIT_ETCD_ENDPOINTS}), or
 * the container the test JVMs of this machine share ({@link SharedContainer}). Used, never paused,
 * stopped or wiped: each fault control of etcd itself is refused with the reason; each endpoint
 * counts as a member. Who leads is only read, so it is answered.
 */
final class ExternalEtcd implements Etcd {

  private final List<URI> endpoints;
  private final String source;
  private final String description;
  private final String refusal;
  private final Runnable close;

  /** The etcd at {@code endpoints} that the user named. */
  ExternalEtcd(List<URI> endpoints) {
    this(endpoints, "external", "external etcd at " + endpoints, "given by " + Settings.envName(Settings.ENDPOINTS)
        + " or -D" + Settings.ENDPOINTS + ": registrykit does not control an etcd it did not start. Unset it to let"
        + " the tests run etcd in a container or as a process.", () -> { });
  }

  /**
   * An etcd at {@code endpoints} that this JVM uses but does not control: {@code refusal} ends the
   * message of a refused control, {@code close} is what this JVM does when done with it.
   */
  ExternalEtcd(List<URI> endpoints, String source, String description, String refusal, Runnable close) {
    this.endpoints = List.copyOf(endpoints);
    this.source = source;
    this.description = description;
    this.refusal = refusal;
    this.close = close;
  }

  @Override
  public String source() {
    return source;
  }

  @Override
  public List<URI> endpoints() {
    return endpoints;
  }

  @Override
  public void pause() {
    throw refused("pause");
  }

  @Override
  public void unpause() {
    throw refused("unpause");
  }

  @Override
  public void stop() {
    throw refused("stop");
  }

  @Override
  public void start() {
    throw refused("start");
  }

  @Override
  public void kill() {
    throw refused("kill");
  }

  @Override
  public void pause(int member) {
    throw refused("pause");
  }

  @Override
  public void unpause(int member) {
    throw refused("unpause");
  }

  @Override
  public void stop(int member) {
    throw refused("stop");
  }

  @Override
  public void start(int member) {
    throw refused("start");
  }

  @Override
  public void kill(int member) {
    throw refused("kill");
  }

  @Override
  public void partition(int member) {
    throw refused("partition");
  }

  @Override
  public void heal(int member) {
    throw refused("heal");
  }

  @Override
  public void wipe() {
    throw refused("wipe");
  }

  /** Asks the given endpoints (read only, so allowed); fails if none of them leads. */
  @Override
  public int leader() {
    return Leadership.await(endpoints, m -> true, TimeScale.scaled(ControlledEtcd.ELECTION), toString());
  }

  @Override
  public boolean isLeader(int member) {
    return Leadership.now(endpoints, m -> true).orElse(-1) == member;
  }

  @Override
  public void restore() {
    // never paused, stopped or killed: the controls above refuse
  }

  private UnsupportedOperationException refused(String control) {
    return new UnsupportedOperationException(control + "() is not available on the etcd at " + endpoints + " "
        + refusal);
  }

  @Override
  public void close() {
    close.run();
  }

  @Override
  public String toString() {
    return description;
  }
}
