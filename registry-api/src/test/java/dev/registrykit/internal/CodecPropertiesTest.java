package dev.registrykit.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.registrykit.ServiceInstance;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Combinators;
import net.jqwik.api.statistics.Statistics;

/**
 * Whatever one key holds, the codec either reads an instance or says why not (issue 28): any key
 * segment, any JSON (of any type in any field), any text; what it reads is listed under its own key
 * again, and ids map back to their key segment.
 */
class CodecPropertiesTest {

  private static final String NS = "/services";

  @Property(tries = 2000)
  void anyKeySegmentHasOneIdThatMapsBack(@ForAll("segments") String segment) {
    String id;
    try {
      id = InstanceIds.ofKeySegment(segment);
    } catch (IllegalArgumentException refused) {
      return; // longer than 128 bytes or not UTF-8: an invalid entry, reported
    }
    assertThat(InstanceIds.isInstanceId(id)).as(id).isTrue();
    assertThat(InstanceIds.keySegment(id)).isEqualTo(segment);
    if (Validation.isName(segment)) {
      assertThat(id).as("a segment in the alphabet is its own id").isEqualTo(segment);
    }
  }

  @Property(tries = 1500)
  void anyValueUnderAnyKeyIsAnInstanceOfThatKeyOrInvalidNeverAnotherFailure(
      @ForAll("segments") String segment, @ForAll("values") String value) {
    String key = NS + "/orders/" + segment;
    ServiceInstance read;
    try {
      read = InstanceCodec.decode(NS, key, value);
      Statistics.collect("an instance");
    } catch (InstanceCodec.InvalidValueException invalid) {
      Statistics.collect("invalid");
      assertThat(invalid.getMessage()).isNotBlank();
      return;
    } finally {
      // the property checked both outcomes, not just the refusals
      Statistics.coverage(coverage -> {
        coverage.check("an instance").percentage(p -> p >= 5);
        coverage.check("invalid").percentage(p -> p >= 5);
      });
    }
    assertThat(InstanceCodec.key(NS, read)).isEqualTo(key);
    assertThat(read.host()).isNotBlank();
    for (InstanceCodec.Format format : InstanceCodec.Format.values()) {
      String written;
      try {
        InstanceCodec.requireWritable(read, format);
        written = InstanceCodec.encode(read, format);
      } catch (IllegalArgumentException noPortForGo) {
        continue;
      }
      try {
        assertThat(InstanceCodec.decode(NS, key, written)).isEqualTo(read);
      } catch (InstanceCodec.InvalidValueException e) {
        throw new AssertionError("our own value " + written + " did not read back: " + e.getMessage(), e);
      }
    }
  }

  @Provide
  Arbitrary<String> segments() {
    return Arbitraries.oneOf(
        Arbitraries.strings().withChars("abcXYZ019._-").ofMinLength(1).ofMaxLength(140),
        Arbitraries.strings().all().ofMinLength(0).ofMaxLength(60), // any UTF-16, lone surrogates too
        Arbitraries.strings().withChars("0123456789.:[]%/abcdef").ofMinLength(1).ofMaxLength(40),
        Arbitraries.of("127.0.0.1:36833", "[::1]:50051", "e1", "héte:1", "a%3Ab", "sub/e1", "é".repeat(65)));
  }

  @Provide
  Arbitrary<String> values() {
    Arbitrary<String> addr = Arbitraries.oneOf(
        Arbitraries.of("127.0.0.1:1", "1.2.3.4", "[::1]:50051", "::1", "[fe80::1%eth0]:5", "héte:9090", "h:0",
            "h:65536", "h:99999999999", "", "unix:///s.sock", "[::1", "a b:1"),
        Arbitraries.strings().withChars("abc.:[]%0123456789é").ofMaxLength(30));
    Arbitrary<String> json = json(3);
    Arbitrary<String> goValue = Combinators.combine(addr.map(InstanceCodecJson::quote), json)
        .as((a, metadata) -> "{\"Op\":0,\"Addr\":" + a + ",\"Metadata\":" + metadata + "}");
    Arbitrary<String> anyAddr = Combinators.combine(json, json)
        .as((a, metadata) -> "{\"Addr\":" + a + ",\"Metadata\":" + metadata + "}");
    Arbitrary<String> origin = Combinators.combine(
            Arbitraries.oneOf(Arbitraries.of("http://10.0.0.7:5000", "http://héte:5000", "grpc://[::1]:1", "http://h:0",
                "http://h:65536", "x", "http://[fe80::1%25eth0]:5000").map(InstanceCodecJson::quote), json),
            json)
        .as((address, metadata) -> "{\"Name\":\"orders\",\"Address\":" + address + ",\"Metadata\":" + metadata + "}");
    return Arbitraries.oneOf(goValue, anyAddr, origin, json, Arbitraries.strings().all().ofMaxLength(200),
        Arbitraries.strings().withChars("{}[]\":,0123456789nultrefas\\").ofMaxLength(80),
        Arbitraries.of(0, 1000, 128 * 1024, 1 << 20).map(n -> "{\"Op\":0,\"Addr\":\"" + "h".repeat(n) + ":1\"}"));
  }

  /** JSON texts of every type, nested up to {@code depth}. */
  private static Arbitrary<String> json(int depth) {
    Arbitrary<String> scalar = Arbitraries.oneOf(Arbitraries.of("null", "true", "false", "0", "-1.5e3", "65536"),
        Arbitraries.strings().all().ofMaxLength(12).map(InstanceCodecJson::quote));
    if (depth == 0) {
      return scalar;
    }
    Arbitrary<String> inner = json(depth - 1);
    Arbitrary<String> array = inner.list().ofMaxSize(3).map(items -> "[" + String.join(",", items) + "]");
    Arbitrary<String> object = Arbitraries.maps(Arbitraries.strings().all().ofMaxLength(8), inner).ofMaxSize(3)
        .map(CodecPropertiesTest::object);
    return Arbitraries.oneOf(scalar, array, object);
  }

  private static String object(Map<String, String> entries) {
    List<String> members = entries.entrySet().stream()
        .map(entry -> InstanceCodecJson.quote(entry.getKey()) + ":" + entry.getValue()).toList();
    return "{" + String.join(",", members) + "}";
  }

  /** JSON string literals, through the codec's own writer. */
  static final class InstanceCodecJson {
    private InstanceCodecJson() {
    }

    static String quote(String text) {
      StringBuilder out = new StringBuilder();
      Json.writeString(out, text);
      return out.toString();
    }
  }
}
