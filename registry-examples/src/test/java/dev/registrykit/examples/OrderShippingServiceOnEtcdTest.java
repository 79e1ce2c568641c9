package dev.registrykit.examples;

import dev.registrykit.junit.EtcdRegistryTest;

/** {@link OrderShippingServiceBehaviour} on a real etcd: the same tests, in seconds. */
@EtcdRegistryTest
class OrderShippingServiceOnEtcdTest extends OrderShippingServiceBehaviour {
}
