package dev.registrykit.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.registrykit.junit.etcd.EtcdHandle;
import dev.registrykit.junit.EtcdRegistryTest;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** One short pass of figure 8 (registration-to-channel latency), so it cannot rot; the figure is not checked. */
@EtcdRegistryTest
class GrpcFiguresSmokeTest {

  @Test
  void theRegistrationToChannelFigureRuns(EtcdHandle etcd) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();

    GrpcFigures.run(etcd.endpoints().get(0).toString(), 5, new PrintStream(bytes, true, StandardCharsets.UTF_8));

    assertThat(bytes.toString(StandardCharsets.UTF_8))
        .contains("| 8. register -> the channel's resolver delivers the address", "(n=5)");
  }
}
