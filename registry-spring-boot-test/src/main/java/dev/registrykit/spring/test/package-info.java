/**
 * Spring tests on registrykit: the in-memory fake registry ({@link
 * dev.registrykit.spring.test.AutoConfigureFakeRegistry}) and {@code @ServiceConnection} for etcd
 * containers.
 */
package dev.registrykit.spring.test;
