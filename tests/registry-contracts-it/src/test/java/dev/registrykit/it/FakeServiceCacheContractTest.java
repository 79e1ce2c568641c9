package dev.registrykit.it;

import dev.registrykit.junit.FakeRegistryTest;
import dev.registrykit.junit.contract.ServiceCacheContract;

/** The cache contract on the fake, with etcd's timing as the toolkit starts it (1 s minimum TTL). */
@FakeRegistryTest(minimumTtlSeconds = 1)
class FakeServiceCacheContractTest extends ServiceCacheContract {
}
