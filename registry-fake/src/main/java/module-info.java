/** {@code FakeRegistry}, an in-memory registry with etcd's semantics, moved by {@code FakeClock}. */
module dev.registrykit.fake {
  requires transitive dev.registrykit.api;

  exports dev.registrykit.fake;
}
