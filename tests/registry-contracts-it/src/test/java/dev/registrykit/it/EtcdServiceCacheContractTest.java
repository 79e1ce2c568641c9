package dev.registrykit.it;

import dev.registrykit.junit.EtcdRegistryTest;
import dev.registrykit.junit.contract.ServiceCacheContract;

/**
 * The cache contract on a real etcd. The shared etcd will do: the outage test cuts only the
 * registry's own connection (through a proxy), and etcd runs on for everyone else.
 */
@EtcdRegistryTest
class EtcdServiceCacheContractTest extends ServiceCacheContract {
}
