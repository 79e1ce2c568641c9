package dev.registrykit.junit.etcd.internal;

import dev.registrykit.junit.etcd.EtcdHandle;
import dev.registrykit.junit.EtcdLifecycle;
import dev.registrykit.junit.EtcdMember;
import io.etcd.jetcd.Client;
import java.net.URI;
import java.util.List;
import java.util.stream.IntStream;

/** The {@link EtcdHandle} tests get; fault controls only on an etcd of their own. */
final class GuardedEtcdHandle implements EtcdHandle {

  private final StoredEtcd resource;
  private final EtcdLifecycle lifecycle;
  private final List<EtcdMember> members;

  GuardedEtcdHandle(StoredEtcd resource, EtcdLifecycle lifecycle) {
    this.resource = resource;
    this.lifecycle = lifecycle;
    this.members = IntStream.range(0, resource.server().size())
        .mapToObj(index -> (EtcdMember) new GuardedEtcdMember(this, index)).toList();
  }

  Etcd server() {
    return resource.server();
  }

  @Override
  public List<URI> endpoints() {
    return resource.server().endpoints();
  }

  @Override
  public Client client() {
    return resource.client();
  }

  @Override
  public String source() {
    return resource.server().source();
  }

  @Override
  public void pause() {
    pauseFor("pause()");
  }

  /** Pauses etcd for {@code control}, which the refusal on a shared etcd names. */
  void pauseFor(String control) {
    allowed(control);
    resource.server().pause();
  }

  @Override
  public void unpause() {
    allowed("unpause()");
    resource.server().unpause();
  }

  @Override
  public void stop() {
    allowed("stop()");
    resource.server().stop();
  }

  @Override
  public void start() {
    allowed("start()");
    resource.server().start();
  }

  @Override
  public void kill() {
    allowed("kill()");
    resource.server().kill();
  }

  @Override
  public List<EtcdMember> members() {
    return members;
  }

  @Override
  public EtcdMember member(int index) {
    if (index < 0 || index >= members.size()) {
      throw new IndexOutOfBoundsException("member(" + index + ") does not exist: this etcd has " + members.size()
          + (members.size() == 1 ? " member, index 0" : " members, numbered 0 to " + (members.size() - 1))
          + (members.size() == 1 ? "; for a cluster use @EtcdRegistryTest(members = 3)" : ""));
    }
    return members.get(index);
  }

  @Override
  public EtcdMember leader() {
    return members.get(resource.server().leader());
  }

  @Override
  public void wipe() {
    allowed("wipe()");
    resource.server().wipe();
  }

  /** How long this etcd lives: PER_RUN is shared by every class of the run. */
  EtcdLifecycle lifecycle() {
    return lifecycle;
  }

  /** Refuses {@code control} on an etcd shared by every class of the run. */
  void allowed(String control) {
    if (lifecycle == EtcdLifecycle.PER_RUN) {
      throw new UnsupportedOperationException(control + " would hit every test class sharing this etcd "
          + "(lifecycle PER_RUN): use @EtcdRegistryTest(lifecycle = EtcdLifecycle.PER_CLASS) or PER_METHOD "
          + "for tests that inject faults");
    }
  }

  @Override
  public String toString() {
    return "EtcdHandle[" + resource + ", " + lifecycle + "]";
  }
}
