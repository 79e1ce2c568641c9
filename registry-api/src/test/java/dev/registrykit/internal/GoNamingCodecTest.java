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

  private static final String BAD_ADDR =
      "\"Addr\" (etcd Go naming) must be host:port, [ipv6]:port or a host alone, with a port of 1-65535, but was: ";

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(delimiter = '|', value = {
      "{\"Op\":0,\"Addr\":\"unix:///tmp/s.sock\"}             | unix:///tmp/s.sock",
      "{\"Op\":0,\"Addr\":null}                               | null",
      "{\"Op\":0,\"Addr\":\"h:0\"}                            | h:0",
      "{\"Op\":0,\"Addr\":\"h:65536\"}                        | h:65536",
      "{\"Op\":0,\"Addr\":5}                                  | 5",
      "{\"Op\":0,\"Addr\":\"\"}                               | ''",
      "{\"Op\":0,\"Addr\":\"[::1\"}                           | [::1",
      "{\"Op\":0,\"Addr\":\"a b:1\"}                          | a b:1"
  })
  void rejectsGoEndpointsWeCannotDial(String json, String shown) {
    assertThatThrownBy(() -> InstanceCodec.decode(NS, "/services/greeter/e1", json))
        .isInstanceOf(InstanceCodec.InvalidValueException.class)
        .hasMessage(BAD_ADDR + shown);
  }

  @Test
  void aGoEndpointsIdMustBeItsKeys() {
    assertThatThrownBy(() -> InstanceCodec.decode(NS, "/services/greeter/e1", "{\"Op\":0,\"Addr\":\"h:1\",\"Id\":\"e9\"}"))
        .isInstanceOf(InstanceCodec.InvalidValueException.class)
        .hasMessage("Id \"e9\" does not match the key's instance id \"e1\"");
  }

  @Test
  void writesAddrFromTheAddressOrTheGrpcPortAndReadsBackTheSameInstance() throws Exception {
    ServiceInstance plain = ServiceInstance.of("orders", "i-1", "http://10.0.0.7:5000");
    ServiceInstance grpcPort = plain.withMetadata("grpc.port", "9090");
    ServiceInstance noPortButGrpcPort = ServiceInstance.of("orders", "i-1", "https://orders.example")
        .withMetadata("grpc.port", "9090");

    assertThat(InstanceCodec.encode(plain, InstanceCodec.Format.WITH_GO_ADDR))
        .isEqualTo("{\"Id\":\"i-1\",\"Name\":\"orders\",\"Address\":\"http://10.0.0.7:5000\",\"Addr\":\"10.0.0.7:5000\"}");
    assertThat(InstanceCodec.encode(grpcPort, InstanceCodec.Format.WITH_GO_ADDR))
        .endsWith(",\"Metadata\":{\"grpc.port\":\"9090\"},\"Addr\":\"10.0.0.7:9090\"}");
    assertThat(InstanceCodec.encode(noPortButGrpcPort, InstanceCodec.Format.WITH_GO_ADDR))
        .endsWith(",\"Addr\":\"orders.example:9090\"}");
    assertThat(InstanceCodec.encode(plain, InstanceCodec.Format.ORIGIN)).isEqualTo(InstanceCodec.encode(plain));
    for (ServiceInstance instance : new ServiceInstance[] {plain, grpcPort, noPortButGrpcPort}) {
      assertThat(InstanceCodec.decode(NS, "/services/orders/i-1", InstanceCodec.encode(instance, InstanceCodec.Format.WITH_GO_ADDR)))
          .isEqualTo(instance);
    }
  }
}
