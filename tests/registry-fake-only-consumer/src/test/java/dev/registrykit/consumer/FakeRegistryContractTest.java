package dev.registrykit.consumer;

import dev.registrykit.junit.FakeRegistryTest;
import dev.registrykit.junit.contract.RegistryContract;

/** The whole registry contract, on the fake, without the etcd toolkit's libraries. */
@FakeRegistryTest(minimumTtlSeconds = 1)
class FakeRegistryContractTest extends RegistryContract {
}
