/**
 * Spring Boot and Spring Cloud on registrykit: the auto-configurations, {@code RegistrykitProperties},
 * Spring Cloud's registration and discovery on {@code ServiceCache}, health and connection details.
 * It needs nothing of Spring Boot's test modules: the test support is module {@code
 * dev.registrykit.spring.test} (registry-spring-boot-test). Each optional part switches on when the application
 * has its library. Spring creates the configurations and beans by reflection, so the packages are
 * open to it.
 */
module dev.registrykit.spring {
  requires transitive dev.registrykit.etcd;
  requires transitive spring.boot;
  requires transitive spring.boot.autoconfigure;
  requires transitive spring.context;
  requires transitive spring.beans;
  requires transitive spring.core;
  requires transitive spring.cloud.commons; // no stable module name
  requires static transitive spring.boot.health;
  requires static spring.boot.web.server;
  requires spring.cloud.loadbalancer; // no stable module name; the starter brings it for @LoadBalanced
  requires static reactor.core;
  requires static org.reactivestreams;

  exports dev.registrykit.spring;

  opens dev.registrykit.spring to spring.core, spring.beans, spring.context, spring.boot;
}
