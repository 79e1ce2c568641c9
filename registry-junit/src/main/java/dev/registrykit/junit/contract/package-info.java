/**
 * The contract every {@link dev.registrykit.Registry} must honour, as a reusable JUnit 5 test
 * class: {@link dev.registrykit.junit.contract.RegistryContract}, made of one interface of tests per
 * theme; and the contract of a {@link dev.registrykit.ServiceCache}: {@link
 * dev.registrykit.junit.contract.ServiceCacheContract}.
 */
package dev.registrykit.junit.contract;
