package dev.registrykit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ServiceInstanceTest {

  private static final String LONG_NAME = "a".repeat(129);

  static Stream<Arguments> badInputs() {
    Map<String, String> tooMany = new HashMap<>();
    for (int i = 0; i < 65; i++) {
      tooMany.put("k" + i, "v");
    }
    Map<String, String> nullValue = new LinkedHashMap<>();
    nullValue.put("zone", null);
    Map<String, String> nullKey = new HashMap<>();
    nullKey.put(null, "v");
    return Stream.of(
        bad("service with a slash", () -> ServiceInstance.of("orders/v2", "i-1", "http://h:1"),
            IllegalArgumentException.class, "serviceName must match [A-Za-z0-9._-]{1,128} but was: \"orders/v2\""),
        bad("empty service", () -> ServiceInstance.of("", "i-1", "http://h:1"),
            IllegalArgumentException.class, "serviceName must match [A-Za-z0-9._-]{1,128} but was: \"\""),
        bad("blank service", () -> ServiceInstance.of(" ", "i-1", "http://h:1"),
            IllegalArgumentException.class, "serviceName must match [A-Za-z0-9._-]{1,128} but was: \" \""),
        bad("service with a space", () -> ServiceInstance.of("order service", "i-1", "http://h:1"),
            IllegalArgumentException.class, "serviceName must match [A-Za-z0-9._-]{1,128} but was: \"order service\""),
        bad("service of 129 chars", () -> ServiceInstance.of(LONG_NAME, "i-1", "http://h:1"),
            IllegalArgumentException.class, "serviceName must match [A-Za-z0-9._-]{1,128} but was: \"" + LONG_NAME + "\""),
        bad("non-ASCII service", () -> ServiceInstance.of("bestellungen-ü", "i-1", "http://h:1"),
            IllegalArgumentException.class, "serviceName must match [A-Za-z0-9._-]{1,128} but was: \"bestellungen-ü\""),
        bad("null service", () -> ServiceInstance.of(null, "i-1", "http://h:1"),
            NullPointerException.class, "serviceName must not be null"),
        bad("id with a slash", () -> ServiceInstance.of("orders", "a/b", "http://h:1"),
            IllegalArgumentException.class, "instanceId must match [A-Za-z0-9._-]{1,128} but was: \"a/b\""),
        bad("empty id", () -> ServiceInstance.of("orders", "", "http://h:1"),
            IllegalArgumentException.class, "instanceId must match [A-Za-z0-9._-]{1,128} but was: \"\""),
        bad("id with a tab", () -> ServiceInstance.of("orders", "i\t1", "http://h:1"),
            IllegalArgumentException.class, "instanceId must match [A-Za-z0-9._-]{1,128} but was: \"i\t1\""),
        bad("id of 129 chars", () -> ServiceInstance.of("orders", LONG_NAME, "http://h:1"),
            IllegalArgumentException.class, "instanceId must match [A-Za-z0-9._-]{1,128} but was: \"" + LONG_NAME + "\""),
        bad("null id", () -> ServiceInstance.of("orders", null, "http://h:1"),
            NullPointerException.class, "instanceId must not be null"),
        bad("address without scheme", () -> ServiceInstance.of("orders", "i-1", "localhost:5000"),
            IllegalArgumentException.class,
            "address must be an absolute URI with a host, such as http://10.0.0.7:5000, but was: \"localhost:5000\""),
        bad("relative address", () -> ServiceInstance.of("orders", "i-1", "/orders"),
            IllegalArgumentException.class,
            "address must be an absolute URI with a host, such as http://10.0.0.7:5000, but was: \"/orders\""),
        bad("address without host", () -> ServiceInstance.of("orders", "i-1", "http:///path"),
            IllegalArgumentException.class,
            "address must be an absolute URI with a host, such as http://10.0.0.7:5000, but was: \"http:///path\""),
        bad("opaque address", () -> ServiceInstance.of("orders", "i-1", "mailto:ops@example.org"),
            IllegalArgumentException.class,
            "address must be an absolute URI with a host, such as http://10.0.0.7:5000, but was: \"mailto:ops@example.org\""),
        bad("unparseable address", () -> ServiceInstance.of("orders", "i-1", "http://h:1/a b"),
            IllegalArgumentException.class,
            "address must be an absolute URI with a host, such as http://10.0.0.7:5000, but was: \"http://h:1/a b\" (Illegal character in path)"),
        bad("empty address", () -> ServiceInstance.of("orders", "i-1", ""),
            IllegalArgumentException.class,
            "address must be an absolute URI with a host, such as http://10.0.0.7:5000, but was: \"\""),
        bad("null address", () -> ServiceInstance.of("orders", "i-1", null),
            NullPointerException.class, "address must not be null"),
        bad("null URI address", () -> new ServiceInstance("orders", "i-1", null, Map.of()),
            NullPointerException.class, "address must not be null"),
        bad("address too long", () -> ServiceInstance.of("orders", "i-1", "http://h/" + "p".repeat(2048)),
            IllegalArgumentException.class, "address must be at most 2048 characters but was 2057 long"),
        bad("null metadata", () -> new ServiceInstance("orders", "i-1", URI.create("http://h:1"), null),
            NullPointerException.class, "metadata must not be null (use Map.of() for none)"),
        bad("too many metadata entries", () -> new ServiceInstance("orders", "i-1", URI.create("http://h:1"), tooMany),
            IllegalArgumentException.class, "metadata must have at most 64 entries but had: 65"),
        bad("metadata key with a slash", () -> ServiceInstance.of("orders", "i-1", "http://h:1").withMetadata("a/b", "v"),
            IllegalArgumentException.class, "metadata key must match [A-Za-z0-9._-]{1,128} but was: \"a/b\""),
        bad("null metadata key", () -> new ServiceInstance("orders", "i-1", URI.create("http://h:1"), nullKey),
            NullPointerException.class, "metadata key must not be null"),
        bad("null metadata value", () -> new ServiceInstance("orders", "i-1", URI.create("http://h:1"), nullValue),
            NullPointerException.class, "metadata value of \"zone\" must not be null"),
        bad("metadata value too long", () -> ServiceInstance.of("orders", "i-1", "http://h:1").withMetadata("k", "v".repeat(1025)),
            IllegalArgumentException.class, "metadata value of \"k\" must be at most 1024 characters but was 1025 long"),
        bad("builder without service", () -> ServiceInstance.builder().withInstanceId("i-1").withAddress("http://h:1").build(),
            NullPointerException.class, "serviceName must not be null"),
        bad("builder without address", () -> ServiceInstance.builder().withServiceName("orders").withInstanceId("i-1").build(),
            NullPointerException.class, "address must not be null"));
  }

  private static Arguments bad(String what, Supplier<?> call, Class<? extends Throwable> type, String message) {
    return Arguments.of(what, call, type, message);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badInputs")
  void rejectsBadInputNamingTheValue(String what, Supplier<?> call, Class<? extends Throwable> type, String message) {
    assertThatThrownBy(call::get).isExactlyInstanceOf(type).hasMessage(message);
  }

  @Test
  void acceptsTheOriginsValues() {
    ServiceInstance instance =
        ServiceInstance.of("OrderShippingService", "3f2b9a2e-6d1c-4a0e-9a77-2b7f5f0f1c11", "http://localhost:5000");

    assertThat(instance.serviceName()).isEqualTo("OrderShippingService");
    assertThat(instance.instanceId()).isEqualTo("3f2b9a2e-6d1c-4a0e-9a77-2b7f5f0f1c11");
    assertThat(instance.address()).isEqualTo(URI.create("http://localhost:5000"));
    assertThat(instance.metadata()).isEmpty();
  }

  @Test
  void acceptsOtherSchemesWithAHost() {
    assertThat(ServiceInstance.of("orders", "i-1", "grpc://orders.internal:9090").address().getHost())
        .isEqualTo("orders.internal");
    assertThat(ServiceInstance.of("orders", "i-1", "https://[::1]:8443/").address().getHost()).isEqualTo("[::1]");
  }

  @Test
  void boundariesAreInclusive() {
    String longest = "x".repeat(128);
    ServiceInstance instance = ServiceInstance.of(longest, longest, "http://h:1")
        .withMetadata("k", "v".repeat(1024));
    assertThat(instance.serviceName()).hasSize(128);
    assertThat(instance.metadata().get("k")).hasSize(1024);
  }

  @Test
  void metadataIsCopiedSortedAndUnmodifiable() {
    Map<String, String> source = new LinkedHashMap<>();
    source.put("zone", "b");
    source.put("az", "1");
    ServiceInstance instance = new ServiceInstance("orders", "i-1", URI.create("http://h:1"), source);
    source.put("later", "x");

    assertThat(instance.metadata()).containsExactly(Map.entry("az", "1"), Map.entry("zone", "b"));
    assertThatThrownBy(() -> instance.metadata().put("x", "y")).isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void builderAndToBuilderRoundTrip() {
    ServiceInstance built = ServiceInstance.builder()
        .withServiceName("orders")
        .withInstanceId("i-2")
        .withAddress("http://10.0.0.8:5000")
        .withMetadata("zone", "eu-west-1a")
        .build();

    assertThat(built.toBuilder().build()).isEqualTo(built);
    assertThat(built.withAddress("http://10.0.0.9:5000").address()).isEqualTo(URI.create("http://10.0.0.9:5000"));
    assertThat(built.withAddress("http://10.0.0.9:5000").metadata()).isEqualTo(built.metadata());
  }

  @Test
  void valueEquality() {
    assertThat(ServiceInstance.of("orders", "i-1", "http://h:1"))
        .isEqualTo(ServiceInstance.of("orders", "i-1", "http://h:1"))
        .isNotEqualTo(ServiceInstance.of("orders", "i-1", "http://h:2"));
  }

  @Test
  void acceptsAnInternationalHostNameAsWritten() {
    ServiceInstance instance = ServiceInstance.of("orders", "i-1", "http://h\u00E9te:5000/");

    assertThat(instance.address().toString()).isEqualTo("http://h\u00E9te:5000/");
    assertThat(ServiceInstance.of("orders", "i-1", "grpc://user@b\u00FCcher.example/x").address().getRawAuthority())
        .isEqualTo("user@b\u00FCcher.example");
  }

  @Test
  void rejectsAnInternationalHostThatIsNoHostName() {
    assertThatThrownBy(() -> ServiceInstance.of("orders", "i-1", "http://h\u00E9_te:5000/"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("address must be an absolute URI with a host, such as http://10.0.0.7:5000, but was: "
            + "\"http://h\u00E9_te:5000/\"");
    assertThatThrownBy(() -> ServiceInstance.of("orders", "i-1", "http://h\u00E9te:50x0/"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("address must be an absolute URI");
    assertThatThrownBy(() -> ServiceInstance.of("orders", "i-1", "http://h_1:5000/"))
        .as("an ASCII name that is no host stays refused").isInstanceOf(IllegalArgumentException.class);
  }
}
