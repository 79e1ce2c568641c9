package dev.registrykit.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.registrykit.ServiceInstance;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class InstanceCodecTest {

  private static final String NS = "/services";
  private static final String GUID = "3f2b9a2e-6d1c-4a0e-9a77-2b7f5f0f1c11";
  private static final String KEY = "/services/OrderShippingService/" + GUID;

  @Test
  void listingOrderIsByServiceNameThenIdNotByKey() {
    ServiceInstance orders2 = ServiceInstance.of("orders", "i-2", "http://h:2");
    ServiceInstance orders1 = ServiceInstance.of("orders", "i-1", "http://h:1");
    ServiceInstance dotted = ServiceInstance.of("orders.eu", "a", "http://h:3");
    ServiceInstance dashed = ServiceInstance.of("orders-v2", "x", "http://h:4");
    List<ServiceInstance> byKey = new ArrayList<>(List.of(orders2, orders1, dotted, dashed));
    byKey.sort(Comparator.comparing(instance -> InstanceCodec.key(NS, instance)));
    assertThat(byKey).as("etcd's key order").containsExactly(dashed, dotted, orders1, orders2);

    List<ServiceInstance> listed = new ArrayList<>(byKey);
    listed.sort(InstanceCodec.LISTING_ORDER);

    assertThat(listed).containsExactly(orders1, orders2, dashed, dotted);
  }

  @Test
  void writesExactlyTheOriginsJson() {
    ServiceInstance instance = ServiceInstance.of("OrderShippingService", GUID, "http://localhost:5000");

    assertThat(InstanceCodec.key(NS, instance)).isEqualTo(KEY);
    assertThat(InstanceCodec.encode(instance)).isEqualTo(
        "{\"Id\":\"" + GUID + "\",\"Name\":\"OrderShippingService\",\"Address\":\"http://localhost:5000\"}");
  }

  @Test
  void writesMetadataAsAnExtraObject() throws Exception {
    ServiceInstance instance = ServiceInstance.of("orders", "i-1", "http://h:1")
        .withMetadata("zone", "eu \"west\"\n").withMetadata("az", "1");

    String json = InstanceCodec.encode(instance);

    assertThat(json).isEqualTo("{\"Id\":\"i-1\",\"Name\":\"orders\",\"Address\":\"http://h:1\","
        + "\"Metadata\":{\"az\":\"1\",\"zone\":\"eu \\\"west\\\"\\n\"}}");
    assertThat(InstanceCodec.decode(NS, "/services/orders/i-1", json)).isEqualTo(instance);
  }

  @Test
  void readsTheOriginsJson() throws Exception {
    String json = "{\"Id\":\"" + GUID + "\",\"Name\":\"OrderShippingService\",\"Address\":\"http://localhost:5000\"}";

    assertThat(InstanceCodec.decode(NS, KEY, json))
        .isEqualTo(ServiceInstance.of("OrderShippingService", GUID, "http://localhost:5000"));
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "{\"id\":\"i-1\",\"name\":\"orders\",\"address\":\"http://h:1\"}",
      "{\"ID\":\"i-1\",\"NAME\":\"orders\",\"ADDRESS\":\"http://h:1\"}",
      "{\"Address\":\"http://h:1\",\"Name\":\"orders\",\"Id\":\"i-1\",\"Version\":3,\"Tags\":[\"a\",{\"b\":null}],\"Up\":true}",
      " \n{ \"Id\" : \"i-1\" , \"Name\" : \"orders\" , \"Address\" : \"http:\\/\\/h:1\" }\t",
      "{\"Id\":\"i\\u002d1\",\"Name\":\"orders\",\"Address\":\"http://h:1\",\"Metadata\":{\"n\":1.5e3}}"
  })
  void readsAnyLetterCaseAndIgnoresUnknownProperties(String json) throws Exception {
    assertThat(InstanceCodec.decode(NS, "/services/orders/i-1", json))
        .isEqualTo(ServiceInstance.of("orders", "i-1", "http://h:1"));
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(delimiter = '|', value = {
      "not json                                                        | not JSON: unexpected character 'n' at offset 0",
      "''                                                              | not JSON: unexpected end of text at offset 0",
      "{\"Id\":\"i-1\"                                                 | not JSON: expected ',' or '}' at offset 11",
      "[1,2]                                                           | value is not a JSON object",
      "{\"Name\":\"orders\",\"Address\":\"http://h:1\"}                | value lacks \"Id\"",
      "{\"Id\":\"i-1\",\"Address\":\"http://h:1\"}                     | value lacks \"Name\"",
      "{\"Id\":\"i-1\",\"Name\":\"orders\"}                            | value lacks \"Address\"",
      "{\"Id\":7,\"Name\":\"orders\",\"Address\":\"http://h:1\"}       | \"Id\" is not a string but: 7",
      "{\"Id\":\"i-1\",\"Name\":\"orders\",\"Address\":\"h:1\"}        | address must be an absolute URI with a host, such as http://10.0.0.7:5000, but was: \"h:1\"",
      "{\"Id\":\"i-2\",\"Name\":\"orders\",\"Address\":\"http://h:1\"} | Id \"i-2\" does not match the key's instance id \"i-1\"",
      "{\"Id\":\"i-1\",\"Name\":\"billing\",\"Address\":\"http://h:1\"} | Name \"billing\" does not match the key's service \"orders\"",
      "{\"Id\":\"i-1\",\"Name\":\"orders\",\"Address\":\"http://h:1\"} x | not JSON: unexpected text after the value at offset 52"
  })
  void rejectsValuesThatAreNotInstancesWithTheReason(String json, String reason) {
    assertThatThrownBy(() -> InstanceCodec.decode(NS, "/services/orders/i-1", json))
        .isInstanceOf(InstanceCodec.InvalidValueException.class)
        .hasMessage(reason);
  }

  @ParameterizedTest
  @ValueSource(strings = {"/other/orders/i-1", "/services/orders", "/services/orders/", "/services//i-1"})
  void rejectsKeysOutsideTheLayout(String key) {
    assertThatThrownBy(() -> InstanceCodec.decode(NS, key, "{\"Id\":\"i-1\",\"Name\":\"orders\",\"Address\":\"http://h:1\"}"))
        .isInstanceOf(InstanceCodec.InvalidValueException.class)
        .hasMessageStartingWith("key is not");
  }

  @Test
  void prefixesEndWithASlashSoServicesDoNotShadowEachOther() {
    assertThat(InstanceCodec.servicePrefix(NS, "orders")).isEqualTo("/services/orders/");
    assertThat(InstanceCodec.namespacePrefix("/t/1")).isEqualTo("/t/1/");
  }

  @Test
  void readsAValueThatStartsWithAUtf8ByteOrderMark() throws Exception {
    // what a .NET writer with Encoding.UTF8 (which emits a preamble) puts before the JSON
    String json = "\uFEFF{\"Id\":\"i-1\",\"Name\":\"orders\",\"Address\":\"http://h:1\"}";

    assertThat(InstanceCodec.decode(NS, "/services/orders/i-1", json))
        .isEqualTo(ServiceInstance.of("orders", "i-1", "http://h:1"));
    assertThatThrownBy(() -> InstanceCodec.decode(NS, "/services/orders/i-1", "\uFEFF\uFEFF{}"))
        .as("one mark, not any number").isInstanceOf(InstanceCodec.InvalidValueException.class)
        .hasMessage("not JSON: unexpected character '\uFEFF' at offset 0");
  }

  @Test
  void readsAnInternationalHostAsWrittenAndWritesItBackUnchanged() throws Exception {
    // System.Text.Json escapes non-ASCII by default; .NET's Uri accepts international host names
    String json = "{\"Id\":\"i-1\",\"Name\":\"orders\",\"Address\":\"http://h\\u00E9te:5000/\"}";

    ServiceInstance instance = InstanceCodec.decode(NS, "/services/orders/i-1", json);

    assertThat(instance.address().toString()).isEqualTo("http://h\u00E9te:5000/");
    assertThat(InstanceCodec.encode(instance))
        .isEqualTo("{\"Id\":\"i-1\",\"Name\":\"orders\",\"Address\":\"http://h\u00E9te:5000/\"}");
  }
}
