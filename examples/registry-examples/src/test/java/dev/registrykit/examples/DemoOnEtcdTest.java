package dev.registrykit.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.registrykit.junit.etcd.EtcdHandle;
import dev.registrykit.junit.EtcdRegistryTest;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The demo with {@code --etcd}, against the etcd the toolkit provides: the same story on the real thing. */
@EtcdRegistryTest
class DemoOnEtcdTest {

  @Test
  void theDemoOnEtcdTellsTheWholeStoryAndExitsZero(EtcdHandle etcd) {
    String endpoint = etcd.endpoints().get(0).toString();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();

    int exit = Demo.run(new String[] {"--etcd", endpoint}, new PrintStream(bytes, true, StandardCharsets.UTF_8));

    String out = bytes.toString(StandardCharsets.UTF_8);
    assertThat(exit).as(out).isZero();
    assertThat(out).startsWith("[  0.0 s] etcd at " + endpoint + "; TTL 3 s");
    DemoTest.assertTheWholeStory(out);
  }
}
