package dev.registrykit.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.registrykit.ServiceInstance;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The layouts etcd's Go {@code naming/endpoints} writes, as issue 28 found them refused: keys whose
 * last segment is an address, {@code Addr} without a port, {@code Metadata} of any JSON type,
 * namespaces without a leading {@code /}; and the {@code Addr} we write for an international host or
 * an instance without a port.
 */
class GoLayoutsCodecTest {

  // issue 28, defect 1: "instanceId must match [A-Za-z0-9._-]{1,128} but was: "127.0.0.1:36833""
  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(delimiter = '|', value = {
      "127.0.0.1:36833 | 127.0.0.1%3A36833 | grpc://127.0.0.1:36833",
      "[::1]:50051     | %5B%3A%3A1%5D%3A50051 | grpc://[::1]:50051",
      "e1              | e1 | grpc://127.0.0.1:36833",
      "sub/e1          | sub%2Fe1 | grpc://127.0.0.1:36833",
      "héte:1          | h%C3%A9te%3A1 | grpc://127.0.0.1:36833"
  })
  void anyLastKeySegmentIsAnInstanceWhoseIdIsTheSegmentPercentEncoded(String segment, String id, String address)
      throws Exception {
    String addr = address.substring("grpc://".length());

    ServiceInstance read = InstanceCodec.decode("/services", "/services/GoGreeter/" + segment,
        "{\"Addr\":\"" + addr + "\"}");

    assertThat(read).isEqualTo(ServiceInstance.of("GoGreeter", id, address));
    assertThat(InstanceIds.keySegment(read.instanceId())).isEqualTo(segment);
    assertThat(InstanceCodec.key("/services", read)).isEqualTo("/services/GoGreeter/" + segment);
  }

  // issue 28, defect 2: {"Addr":"1.2.3.4"} (etcd's gRPC naming guide) was refused
  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(delimiter = '|', value = {
      "1.2.3.4         | grpc://1.2.3.4",
      "greeter.local   | grpc://greeter.local",
      "::1             | grpc://[::1]",
      "[::1]           | grpc://[::1]",
      "[fe80::1%eth0]:50051 | grpc://[fe80::1%eth0]:50051",
      "héte:9090       | grpc://xn--hte-bma:9090"
  })
  void anAddrWithOrWithoutAPortIsAnAddress(String addr, String address) throws Exception {
    ServiceInstance read = InstanceCodec.decode("services", "services/X/1.2.3.4",
        "{\"Addr\":\"" + addr + "\",\"Metadata\":\"...\"}");

    assertThat(read.address()).hasToString(address);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"null", "\"text\"", "3", "true", "[1,\"a\"]", "{\"a\":{\"b\":1}}", "{}"})
  void metadataOfAnyJsonTypeIsNeverAReasonToSkip(String metadata) throws Exception {
    assertThat(InstanceCodec.decode("/services", "/services/X/e1", "{\"Op\":0,\"Addr\":\"h:1\",\"Metadata\":" + metadata + "}"))
        .isEqualTo(ServiceInstance.of("X", "e1", "grpc://h:1"));
    assertThat(InstanceCodec.decode("/services", "/services/X/e1",
        "{\"Id\":\"e1\",\"Name\":\"X\",\"Address\":\"http://h:1\",\"Metadata\":" + metadata + "}"))
        .isEqualTo(ServiceInstance.of("X", "e1", "http://h:1"));
  }

  @Test
  void anObjectsStringEntriesWithValidKeysAreTheMetadataTheRestIsNotRead() throws Exception {
    ServiceInstance read = InstanceCodec.decode("/services", "/services/X/e1",
        "{\"Addr\":\"h:1\",\"Metadata\":{\"zone\":\"eu\",\"weight\":3,\"bad key\":\"x\",\"tags\":[\"a\"],\"long\":\""
            + "x".repeat(ServiceInstance.MAX_METADATA_VALUE_LENGTH + 1) + "\"}}");

    assertThat(read.metadata()).isEqualTo(Map.of("zone", "eu"));
  }

  // issue 28, defect 3: withNamespace("services") threw, and keys without a leading '/' were invisible
  @Test
  void aNamespaceWithoutALeadingSlashIsThePrefixGosResolverFollows() throws Exception {
    assertThat(Validation.requireNamespace("services")).isEqualTo("services");
    assertThat(InstanceCodec.servicePrefix("services", "JavaGreeter")).isEqualTo("services/JavaGreeter/");

    assertThat(InstanceCodec.decode("services", "services/X/10.0.0.7:50051", "{\"Addr\":\"10.0.0.7:50051\"}"))
        .isEqualTo(ServiceInstance.of("X", "10.0.0.7%3A50051", "grpc://10.0.0.7:50051"));
    assertThatThrownBy(() -> InstanceCodec.decode("services", "/services/X/e1", "{\"Addr\":\"h:1\"}"))
        .isInstanceOf(InstanceCodec.InvalidValueException.class).hasMessage("key is not under the namespace services");
  }

  // issue 28, defect 5: withGoNamingAddr() wrote "Addr":"null:9090" for an international host
  @Test
  void theAddrWeWriteHasTheAsciiFormOfAnInternationalHost() throws Exception {
    ServiceInstance international = ServiceInstance.of("X", "i-1", "http://héte:5000").withMetadata("grpc.port", "9090");

    String value = InstanceCodec.encode(international, InstanceCodec.Format.WITH_GO_ADDR);

    assertThat(value).endsWith(",\"Addr\":\"xn--hte-bma:9090\"}");
    assertThat(InstanceCodec.decode("/services", "/services/X/i-1", value)).isEqualTo(international);
  }

  // issue 28, defect 5: without grpc.port and a port in the address, no Addr was written, silently
  @Test
  void anInstanceWithoutAPortCannotBeWrittenWithGoAddr() {
    ServiceInstance noPort = ServiceInstance.of("X", "i-1", "https://orders.example");

    assertThatThrownBy(() -> InstanceCodec.requireWritable(noPort, InstanceCodec.Format.WITH_GO_ADDR))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("withGoNamingAddr() writes \"Addr\":\"host:port\" for etcd's Go naming, but instance X/i-1 has no "
            + "port (neither its address https://orders.example nor a grpc.port metadata entry has one): give it a "
            + "grpc.port metadata entry of 1-65535 (its gRPC port) or an address with a port");
    assertThatThrownBy(() -> InstanceCodec.requireWritable(noPort.withMetadata("grpc.port", "0"),
        InstanceCodec.Format.WITH_GO_ADDR)).hasMessageContaining("has its grpc.port metadata entry \"0\"");
    InstanceCodec.requireWritable(noPort, InstanceCodec.Format.ORIGIN); // nothing to check
  }

  @Test
  void ourOwnValuesKeepTheirFormAndAnEscapedIdWritesTheSegmentItStandsFor() throws Exception {
    ServiceInstance ours = ServiceInstance.of("orders", "i-1", "http://10.0.0.7:5000");
    ServiceInstance addressKeyed = ServiceInstance.of("orders", "10.0.0.7%3A5000", "http://10.0.0.7:5000");

    assertThat(InstanceCodec.encode(ours))
        .isEqualTo("{\"Id\":\"i-1\",\"Name\":\"orders\",\"Address\":\"http://10.0.0.7:5000\"}");
    assertThat(InstanceCodec.key("/services", addressKeyed)).isEqualTo("/services/orders/10.0.0.7:5000");
    assertThat(InstanceCodec.encode(addressKeyed)).startsWith("{\"Id\":\"10.0.0.7:5000\",");
    assertThat(InstanceCodec.decode("/services", "/services/orders/10.0.0.7:5000", InstanceCodec.encode(addressKeyed)))
        .isEqualTo(addressKeyed);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"a%3a", "a%41", "a%3", "%", "a%C3", "a%FF", "é"})
  void onlyTheCanonicalEncodingIsAnId(String id) {
    assertThat(InstanceIds.isInstanceId(id)).isFalse();
    assertThatThrownBy(() -> ServiceInstance.of("X", id, "http://h:1")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("instanceId must match [A-Za-z0-9._-]{1,128}");
  }

  @Test
  void aSegmentLongerThan128BytesOrNotUtf8IsNotAnInstance() {
    assertThatThrownBy(() -> InstanceCodec.decode("/services", "/services/X/" + "é".repeat(65), "{\"Addr\":\"h:1\"}"))
        .isInstanceOf(InstanceCodec.InvalidValueException.class)
        .hasMessageStartingWith("the key's instance part must be 1 to 128 UTF-8 bytes but was 130");
    assertThatThrownBy(() -> InstanceCodec.decode("/services", "/services/X/a\uD800", "{\"Addr\":\"h:1\"}"))
        .isInstanceOf(InstanceCodec.InvalidValueException.class)
        .hasMessageStartingWith("the key's instance part is not UTF-8 text");
  }
}
