package dev.registrykit.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The warning counts of {@link EtcdOutageIntegrationTest} can see what they count: grpc-java's
 * warnings (through {@code java.util.logging}), jetcd's (through slf4j) and registrykit's (through
 * {@link System.Logger}, which is {@code java.util.logging} here), and only warnings, only while capturing.
 */
class EtcdOutageLogCaptureTest {

  @Test
  void seesJavaUtilLoggingSystemLoggerAndSlf4jWarningsOnlyWhileCapturing() {
    Logger grpc = Logger.getLogger("io.grpc.internal.ManagedChannelImpl");
    org.slf4j.Logger jetcd = LoggerFactory.getLogger("io.etcd.jetcd.impl.KVImpl");
    System.Logger ours = System.getLogger("dev.registrykit.etcd.EtcdRegistry");
    EtcdOutageLogCapture log = new EtcdOutageLogCapture();
    try (log) {
      grpc.warning("capture probe: grpc warning");
      grpc.info("capture probe: grpc info");
      jetcd.warn("capture probe: jetcd warning");
      ours.log(System.Logger.Level.WARNING, "capture probe: registrykit warning");
      ours.log(System.Logger.Level.INFO, "capture probe: registrykit info");

      assertThat(log.warnings("io.")).hasSize(2)
          .anySatisfy(line -> assertThat(line).isEqualTo("WARNING io.grpc.internal.ManagedChannelImpl: capture probe: grpc warning"))
          .anySatisfy(line -> assertThat(line).endsWith("capture probe: jetcd warning"));
      assertThat(log.warnings("dev.registrykit")).singleElement().asString().endsWith("capture probe: registrykit warning");
    }
    grpc.warning("capture probe: after the capture");
    assertThat(log.warnings("io.")).hasSize(2);
  }
}
