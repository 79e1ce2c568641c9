package dev.registrykit.examples.readme;

import dev.registrykit.junit.FakeRegistryTest;
import dev.registrykit.junit.contract.RegistryContract;

// tag::contract[]
@FakeRegistryTest(minimumTtlSeconds = 1)
class FakeRegistryContractTest extends RegistryContract { }
// end::contract[]
