package dev.registrykit.junit.etcd.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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

  /**
   * The whole command of member {@code index} in a container of {@code image}: {@code etcd}, its
   * flags ({@link #member}) listening on all of the container's interfaces with the data in the
   * container, and {@link #durability(String)}.
   *
   * @param advertiseClient the client URL as seen from the host (its published port)
   * @param peer the member's peer URL as the other members reach it
   */
  static List<String> container(String image, int index, String advertiseClient, String peer, String initialCluster,
      String token, int members) {
    List<String> command = new ArrayList<>();
    command.add("etcd");
    command.addAll(member(index, "/var/lib/registrykit-etcd", "http://0.0.0.0:2379", advertiseClient,
        "http://0.0.0.0:2380", peer, initialCluster, token, members));
    command.addAll(durability(image));
    return command;
  }

  /**
   * {@code --unsafe-no-fsync} where the image's tag shows etcd 3.5 or later (3.4 does not know the
   * flag, and an image without a version in its tag gets nothing): a test's etcd then writes without
   * waiting for the disk, which made each write round trip about 1.5 ms faster here. Nothing a test
   * can do loses the data: a killed or stopped etcd leaves its writes in the operating system's cache,
   * which only a crash of the machine would lose.
   */
  static List<String> durability(String image) {
    String tag = image.lastIndexOf(':') > image.lastIndexOf('/') ? image.substring(image.lastIndexOf(':') + 1) : "";
    Matcher version = Pattern.compile("v?(\\d+)\\.(\\d+)\\b.*").matcher(tag);
    if (!version.matches()) {
      return List.of();
    }
    int major = Integer.parseInt(version.group(1));
    int minor = Integer.parseInt(version.group(2));
    return major > 3 || (major == 3 && minor >= 5) ? List.of("--unsafe-no-fsync") : List.of();
  }
}
