package dev.registrykit.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.registrykit.ServiceInstance;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** etcd's Go {@code naming/endpoints} values read as instances, and the {@code Addr} we write for Go readers. */
class GoNamingCodecTest {

  private static final String NS = "/services";

  @Test
  void readsAGoEndpointWithIdAndServiceFromTheKey() throws Exception {
    ServiceInstance read = InstanceCodec.decode(NS, "/services/greeter/e1",
        "{\"Op\":0,\"Addr\":\"10.0.0.7:50051\",\"Metadata\":null}");

    assertThat(read).isEqualTo(ServiceInstance.of("greeter", "e1", "grpc://10.0.0.7:50051"));
  }

  @Test
  void readsAGoEndpointsStringMetadataAndAnIpv6Addr() throws Exception {
    ServiceInstance read = InstanceCodec.decode(NS, "/services/greeter/e2",
        "{\"Op\":0,\"Addr\":\"[::1]:50051\",\"Metadata\":{\"zone\":\"eu\",\"weight\":3}}");

    assertThat(read).isEqualTo(ServiceInstance.of("greeter", "e2", "grpc://[::1]:50051").withMetadata("zone", "eu"));
  }

  @Test
  void ourAddressWinsOverAnAddrBesideIt() throws Exception {
    String ours = "{\"Id\":\"i-1\",\"Name\":\"orders\",\"Address\":\"http://10.0.0.7:5000\",\"Addr\":\"10.0.0.7:9090\"}";

    assertThat(InstanceCodec.decode(NS, "/services/orders/i-1", ours))
        .isEqualTo(ServiceInstance.of("orders", "i-1", "http://10.0.0.7:5000"));
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(delimiter = '|', value = {
      "{\"Op\":0,\"Addr\":\"10.0.0.7\"}                       | \"Addr\" (etcd Go naming) must be host:port but was: 10.0.0.7",
      "{\"Op\":0,\"Addr\":\"unix:///tmp/s.sock\"}             | \"Addr\" (etcd Go naming) must be host:port but was: unix:///tmp/s.sock",
      "{\"Op\":0,\"Addr\":null}                               | \"Addr\" (etcd Go naming) must be host:port but was: null",
      "{\"Op\":0,\"Addr\":\"h:1\",\"Id\":\"e9\"}               | Id \"e9\" does not match the key's instance id \"e1\""
  })
  void rejectsGoEndpointsWeCannotDial(String json, String reason) {
    assertThatThrownBy(() -> InstanceCodec.decode(NS, "/services/greeter/e1", json))
        .isInstanceOf(InstanceCodec.InvalidValueException.class)
        .hasMessage(reason);
  }

  @Test
  void writesAddrFromTheAddressOrTheGrpcPortAndReadsBackTheSameInstance() throws Exception {
    ServiceInstance plain = ServiceInstance.of("orders", "i-1", "http://10.0.0.7:5000");
    ServiceInstance grpcPort = plain.withMetadata("grpc.port", "9090");
    ServiceInstance noPort = ServiceInstance.of("orders", "i-1", "https://orders.example");

    assertThat(InstanceCodec.encode(plain, InstanceCodec.Format.WITH_GO_ADDR))
        .isEqualTo("{\"Id\":\"i-1\",\"Name\":\"orders\",\"Address\":\"http://10.0.0.7:5000\",\"Addr\":\"10.0.0.7:5000\"}");
    assertThat(InstanceCodec.encode(grpcPort, InstanceCodec.Format.WITH_GO_ADDR))
        .endsWith(",\"Metadata\":{\"grpc.port\":\"9090\"},\"Addr\":\"10.0.0.7:9090\"}");
    assertThat(InstanceCodec.encode(noPort, InstanceCodec.Format.WITH_GO_ADDR))
        .isEqualTo(InstanceCodec.encode(noPort)).doesNotContain("\"Addr\"");
    assertThat(InstanceCodec.encode(plain, InstanceCodec.Format.ORIGIN)).isEqualTo(InstanceCodec.encode(plain));
    for (ServiceInstance instance : new ServiceInstance[] {plain, grpcPort, noPort}) {
      assertThat(InstanceCodec.decode(NS, "/services/orders/i-1", InstanceCodec.encode(instance, InstanceCodec.Format.WITH_GO_ADDR)))
          .isEqualTo(instance);
    }
  }
}
