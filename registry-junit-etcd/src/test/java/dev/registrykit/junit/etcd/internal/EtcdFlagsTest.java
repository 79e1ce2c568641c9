package dev.registrykit.junit.etcd.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Which test etcds write without fsync: those whose image tag shows etcd 3.5 or later, no other. */
class EtcdFlagsTest {

  @Test
  void imagesOfEtcd35AndLaterSkipFsync() {
    assertThat(EtcdFlags.durability("gcr.io/etcd-development/etcd:v3.5.21")).containsExactly("--unsafe-no-fsync");
    assertThat(EtcdFlags.durability("registrykit/etcd-local:v3.5.30")).containsExactly("--unsafe-no-fsync");
    assertThat(EtcdFlags.durability("quay.io/coreos/etcd:v3.6.0-rc.1")).containsExactly("--unsafe-no-fsync");
    assertThat(EtcdFlags.durability("localhost:5000/etcd:3.5")).containsExactly("--unsafe-no-fsync");
  }

  @Test
  void etcd34AndImagesWithoutAVersionKeepFsync() {
    assertThat(EtcdFlags.durability("registrykit/etcd-local:v3.4.23")).isEmpty();
    assertThat(EtcdFlags.durability("bitnami/etcd:latest")).isEmpty();
    assertThat(EtcdFlags.durability("localhost:5000/etcd")).isEmpty();
    assertThat(EtcdFlags.durability("etcd")).isEmpty();
    assertThat(EtcdFlags.durability("my/etcd:v3.10.0")).containsExactly("--unsafe-no-fsync");
  }
}
