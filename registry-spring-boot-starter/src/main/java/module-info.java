/**
 * Spring Boot and Spring Cloud on registrykit: the auto-configurations, {@code RegistrykitProperties},
 * Spring Cloud's registration and discovery on {@code ServiceCache}, health, {@code @ServiceConnection},
 * and the fake-registry switch for Spring tests. Each optional part switches on when the application
 * has its library. Spring creates the configurations and beans by reflection, so the packages are
 * open to it.
 */
module dev.registrykit.spring {
  requires transitive dev.registrykit.etcd;
  requires static transitive dev.registrykit.fake;
  requires transitive spring.boot;
  requires transitive spring.boot.autoconfigure;
  requires transitive spring.context;
  requires transitive spring.beans;
  requires transitive spring.core;
  requires transitive spring.cloud.commons; // no stable module name
  requires org.apache.commons.logging;
  requires static transitive spring.boot.health;
  requires static spring.boot.web.server;
  requires static transitive spring.boot.test;
  requires static spring.boot.testcontainers;
  requires static spring.cloud.loadbalancer; // no stable module name
  requires static reactor.core;
  requires static org.reactivestreams;
  requires static testcontainers; // no stable module name

  exports dev.registrykit.spring;
  exports dev.registrykit.spring.test;

  opens dev.registrykit.spring to spring.core, spring.beans, spring.context, spring.boot;
  opens dev.registrykit.spring.test to spring.core, spring.beans, spring.context, spring.boot;
}
