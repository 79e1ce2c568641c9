/**
 * The contract every {@link dev.registrykit.Registry} must honour, as a reusable JUnit 5 test
 * class: {@link dev.registrykit.junit.contract.RegistryContract}.
 */
package dev.registrykit.junit.contract;
