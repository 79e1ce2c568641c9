package dev.registrykit.etcd.internal;

import dev.registrykit.internal.ElectionRule;

/**
 * Which key prefix a registry's user must be granted for a key: {@code {namespace}-elections/} for
 * an election's keys, {@code {namespace}/} for every other (registrations, listings, watches).
 * docs/etcd-permissions.md lists them with the {@code etcdctl} lines that grant them.
 */
final class Grants {

  private Grants() {
  }

  /** The prefix to grant for {@code key} under {@code namespace}; {@code key} itself if the namespace is unknown. */
  static String prefixOf(String namespace, String key) {
    if (namespace == null) {
      return key;
    }
    String elections = ElectionRule.root(namespace);
    return key.startsWith(elections) ? elections : namespace + "/";
  }
}
