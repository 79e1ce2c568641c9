package dev.registrykit.examples.readme;

import dev.registrykit.etcd.RegistrationConfig;
import dev.registrykit.etcd.ServiceRegistrar;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/** The README's application, run as a process of its own by {@link ReadmeSnippetsTest}. */
public final class RegisterItself {

  /** Stands in for an application's server: runs until a line arrives on standard input (or the JVM is stopped). */
  static final class Server {
    void awaitTermination() throws IOException {
      System.out.println("serving");
      new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
    }
  }

  private RegisterItself() {
  }

  /** Registers from the environment, serves, deregisters. */
  public static void main(String[] args) throws IOException {
    Server server = new Server();
    // tag::register-itself[]
    RegistrationConfig config = RegistrationConfig.fromEnvironment(); // the three variables above
    try (ServiceRegistrar registrar = ServiceRegistrar.start(config)) { // registers, keeps the lease alive
      server.awaitTermination();                                        // deregisters on close and on JVM shutdown
    }
    // end::register-itself[]
  }
}
