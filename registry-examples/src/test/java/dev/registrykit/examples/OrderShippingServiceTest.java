package dev.registrykit.examples;

import dev.registrykit.junit.FakeRegistryTest;

/** {@link OrderShippingServiceBehaviour} on the fake: the whole class runs in about 0.1 s. */
@FakeRegistryTest(minimumTtlSeconds = 1)
class OrderShippingServiceTest extends OrderShippingServiceBehaviour {
}
