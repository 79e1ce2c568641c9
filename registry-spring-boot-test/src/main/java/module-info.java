/**
 * Spring Boot test support for registrykit, beside the starter in test scope: {@code
 * @AutoConfigureFakeRegistry} (or {@code registrykit.fake.enabled=true}) runs the application on
 * the in-memory {@code FakeRegistry} with a {@code FakeClock} bean, and an etcd container annotated
 * {@code @ServiceConnection} gives the application its endpoints. Registered as Spring Boot registers
 * test auto-configuration: the annotation imports the auto-configuration its {@code
 * META-INF/spring/…AutoConfigureFakeRegistry.imports} names. Spring creates the configurations by
 * reflection, so the package is open to it.
 */
module dev.registrykit.spring.test {
  requires transitive dev.registrykit.spring;
  requires transitive dev.registrykit.fake;
  requires transitive spring.boot.test;
  requires static spring.boot.testcontainers;
  requires static testcontainers; // no stable module name

  exports dev.registrykit.spring.test;

  opens dev.registrykit.spring.test to spring.core, spring.beans, spring.context, spring.boot;
}
