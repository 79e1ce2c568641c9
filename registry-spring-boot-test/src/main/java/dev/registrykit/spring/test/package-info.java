/**
 * Spring tests on registrykit's in-memory fake registry: {@link
 * dev.registrykit.spring.test.AutoConfigureFakeRegistry}.
 */
package dev.registrykit.spring.test;
