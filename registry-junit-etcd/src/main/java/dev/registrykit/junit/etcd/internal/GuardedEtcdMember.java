package dev.registrykit.junit.etcd.internal;

import dev.registrykit.junit.EtcdMember;
import java.net.URI;

/** One member of a test's etcd: the controls of {@link Etcd} for one index, refused on a shared etcd. */
final class GuardedEtcdMember implements EtcdMember {

  private final GuardedEtcdHandle handle;
  private final int index;

  GuardedEtcdMember(GuardedEtcdHandle handle, int index) {
    this.handle = handle;
    this.index = index;
  }

  private Etcd server() {
    return handle.server();
  }

  @Override
  public int index() {
    return index;
  }

  @Override
  public String name() {
    return server().name(index);
  }

  @Override
  public URI endpoint() {
    return server().endpoints().get(index);
  }

  @Override
  public void kill() {
    allowed("kill()");
    server().kill(index);
  }

  @Override
  public void stop() {
    allowed("stop()");
    server().stop(index);
  }

  @Override
  public void start() {
    allowed("start()");
    server().start(index);
  }

  @Override
  public void pause() {
    allowed("pause()");
    server().pause(index);
  }

  @Override
  public void unpause() {
    allowed("unpause()");
    server().unpause(index);
  }

  @Override
  public void partition() {
    allowed("partition()");
    server().partition(index);
  }

  @Override
  public void heal() {
    allowed("heal()");
    server().heal(index);
  }

  @Override
  public boolean isLeader() {
    return server().isLeader(index);
  }

  private void allowed(String control) {
    handle.allowed("member(" + index + ")." + control);
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof GuardedEtcdMember member && member.index == index && member.server() == server();
  }

  @Override
  public int hashCode() {
    return System.identityHashCode(server()) * 31 + index;
  }

  @Override
  public String toString() {
    return name() + " at " + endpoint();
  }
}
