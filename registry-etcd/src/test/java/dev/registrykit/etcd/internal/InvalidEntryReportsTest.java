package dev.registrykit.etcd.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.registrykit.InvalidEntry;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KeyValue;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class InvalidEntryReportsTest {

  private final List<String> told = new ArrayList<>();
  private final InvalidEntryReports reports = new InvalidEntryReports(entry -> told.add(entry.key() + "@" + entry.value()));

  @Test
  void tellsEachKeyOncePerRevision() {
    reports.invalid(bad("/s/orders/a", "x"), 5);
    reports.invalid(bad("/s/orders/a", "x"), 5);
    reports.invalid(bad("/s/orders/a", "x"), 7); // written again
    reports.invalid(bad("/s/orders/b", "y"), 5);

    assertThat(told).containsExactly("/s/orders/a@x", "/s/orders/a@x", "/s/orders/b@y");
  }

  @Test
  void forgetsKeysThatHoldAnInstanceAreDeletedOrAreNoLongerListed() {
    reports.invalid(bad("/s/orders/a", "x"), 5);
    reports.invalid(bad("/s/orders/b", "y"), 5);
    reports.invalid(bad("/s/billing/c", "z"), 5);
    assertThat(reports.remembered()).isEqualTo(3);

    reports.forget("/s/orders/a");
    reports.listed("/s/orders/", List.of(kv("/s/orders/other", 9)));

    assertThat(reports.remembered()).as("only billing/c, which that listing did not cover").isEqualTo(1);
    reports.invalid(bad("/s/orders/a", "x"), 5);
    assertThat(told).as("a key forgotten and bad again is told again").hasSize(4);
  }

  private static InvalidEntry bad(String key, String value) {
    return new InvalidEntry(key, value, "not JSON");
  }

  private static KeyValue kv(String key, long modRevision) {
    return new KeyValue(io.etcd.jetcd.api.KeyValue.newBuilder().setKey(ByteString.copyFromUtf8(key))
        .setModRevision(modRevision).build(), ByteSequence.EMPTY);
  }
}
