/**
 * Spring Boot and Spring Cloud on registrykit: {@link dev.registrykit.spring.RegistrykitProperties}
 * ({@code registrykit.*}), the auto-configurations, {@link dev.registrykit.spring.EtcdConnectionDetails}
 * and {@link dev.registrykit.spring.RegistrykitRegistration}.
 */
package dev.registrykit.spring;
