package dev.registrykit.junit.internal;

import java.util.List;

/** The etcd command line for a single member with fast elections (a 1 s lease is granted 1 s). */
final class EtcdFlags {

  private EtcdFlags() {
  }

  static List<String> singleMember(String dataDir, String listenClient, String advertiseClient, String peerUrl,
      String listenPeer) {
    return List.of(
        "--name", "registrykit",
        "--data-dir", dataDir,
        "--listen-client-urls", listenClient,
        "--advertise-client-urls", advertiseClient,
        "--listen-peer-urls", listenPeer,
        "--initial-advertise-peer-urls", peerUrl,
        "--initial-cluster", "registrykit=" + peerUrl,
        "--initial-cluster-state", "new",
        "--heartbeat-interval", "10",
        "--election-timeout", "100");
  }
}
