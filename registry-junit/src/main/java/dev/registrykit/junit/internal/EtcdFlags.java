package dev.registrykit.junit.internal;

import java.util.ArrayList;
import java.util.List;

/**
 * The etcd command line of one member with fast elections (a 1 s lease is granted 1 s). Members of
 * a cluster also get {@code --pre-vote}, so a member that comes back from a partition does not
 * depose a leader that kept quorum (etcd 3.5's default; 3.4 needs the flag).
 */
final class EtcdFlags {

  private EtcdFlags() {
  }

  /** The name of member {@code index}: {@code etcd-0}, {@code etcd-1}, ... */
  static String name(int index) {
    return "etcd-" + index;
  }

  /**
   * @param initialCluster {@code name=peerUrl,...} of every member
   * @param token the cluster's {@code --initial-cluster-token}, fresh for each new cluster
   * @param members how many members the cluster has
   */
  static List<String> member(int index, String dataDir, String listenClient, String advertiseClient,
      String listenPeer, String advertisePeer, String initialCluster, String token, int members) {
    List<String> flags = new ArrayList<>(List.of(
        "--name", name(index),
        "--data-dir", dataDir,
        "--listen-client-urls", listenClient,
        "--advertise-client-urls", advertiseClient,
        "--listen-peer-urls", listenPeer,
        "--initial-advertise-peer-urls", advertisePeer,
        "--initial-cluster", initialCluster,
        "--initial-cluster-state", "new",
        "--initial-cluster-token", token,
        "--heartbeat-interval", "10",
        "--election-timeout", "100"));
    if (members > 1) {
      flags.add("--pre-vote=true");
    }
    return flags;
  }
}
