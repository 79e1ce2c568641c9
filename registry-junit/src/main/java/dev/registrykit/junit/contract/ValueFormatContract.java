package dev.registrykit.junit.contract;

import static dev.registrykit.junit.RegistryAssertions.assertThat;
import static dev.registrykit.junit.contract.ContractSupport.LONG_TTL;
import static dev.registrykit.junit.contract.ContractSupport.ORDERS_1;
import static dev.registrykit.junit.contract.ContractSupport.ORDERS_2;
import static dev.registrykit.junit.contract.ContractSupport.watch;
import static org.assertj.core.api.Assertions.assertThat;

import dev.registrykit.InvalidEntry;
import dev.registrykit.Registry;
import dev.registrykit.ServiceInstance;
import dev.registrykit.junit.RecordingListener;
import dev.registrykit.junit.BackendControls;
import dev.registrykit.junit.RegistryTime;
import org.junit.jupiter.api.Test;

/**
 * Values other programs write: the origin's JSON, any letter case, unknown properties, a byte order
 * mark and an international host are listed; corrupt values are skipped without hiding valid ones
 * and reported once per key and revision; another program's delete is seen as a removal.
 *
 * <p>A part of {@link RegistryContract}, which runs every part; a test class that implements this
 * part alone, annotated with the extension that supplies the registry, runs these tests alone.
 */
public interface ValueFormatContract {

  // ------------------------------------------------------------------------------ other programs' values

  @Test
  default void listsTheOriginsJsonWrittenByAnotherProgram(Registry registry, BackendControls backend) {
    String guid = "3f2b9a2e-6d1c-4a0e-9a77-2b7f5f0f1c11";
    backend.putRaw("OrderShippingService", guid,
        "{\"Id\":\"" + guid + "\",\"Name\":\"OrderShippingService\",\"Address\":\"http://localhost:5000\"}");

    assertThat(registry.instances("OrderShippingService"))
        .containsExactly(ServiceInstance.of("OrderShippingService", guid, "http://localhost:5000"));
  }

  @Test
  default void acceptsAnyLetterCaseAndUnknownProperties(Registry registry, BackendControls backend) {
    backend.putRaw("orders", "i-1", "{\"id\":\"i-1\",\"NAME\":\"orders\",\"Address\":\"http://10.0.0.1:5000\",\"Weight\":3}");

    assertThat(registry.instances("orders")).containsExactly(ORDERS_1);
  }

  @Test
  default void skipsCorruptValuesWithoutHidingValidOnes(Registry registry, BackendControls backend) {
    registry.register(ORDERS_2, LONG_TTL);
    backend.putRaw("orders", "broken", "{not json");
    backend.putRaw("orders", "partial", "{\"Id\":\"partial\",\"Name\":\"orders\"}");
    backend.putRaw("orders", "wrong-id", "{\"Id\":\"other\",\"Name\":\"orders\",\"Address\":\"http://h:1\"}");

    assertThat(registry.instances("orders")).containsExactly(ORDERS_2);
    assertThat(registry.allInstances()).containsExactly(ORDERS_2);
  }

  @Test
  default void anotherProgramDeletingAKeyIsSeenAsRemoved(Registry registry, BackendControls backend, RegistryTime time) {
    backend.putRaw("orders", "i-1", "{\"Id\":\"i-1\",\"Name\":\"orders\",\"Address\":\"http://10.0.0.1:5000\"}");
    RecordingListener events = watch(registry, "orders");

    backend.deleteRaw("orders", "i-1");

    time.eventually(() -> assertThat(events).hasEventCount(2).sawAdded(ORDERS_1).sawRemoved(ORDERS_1));
    assertThat(registry.instances("orders")).isEmpty();
  }

  // ------------------------------------------------------------------------------ invalid values; what .NET writes

  @Test
  default void anInvalidValueIsReportedOncePerKeyAndRevision(Registry registry, BackendControls backend,
      RegistryTime time) {
    String broken = backend.namespace() + "/orders/broken";
    String partial = backend.namespace() + "/orders/partial";
    backend.putRaw("orders", "broken", "{not json");
    backend.putRaw("orders", "partial", "{\"Id\":\"partial\",\"Name\":\"orders\"}");

    registry.instances("orders");
    registry.allInstances();
    registry.services();
    RecordingListener events = watch(registry, "orders");
    registry.instances("orders");
    assertThat(backend.invalidEntries()).extracting(InvalidEntry::key).containsExactlyInAnyOrder(broken, partial);

    backend.putRaw("orders", "broken", "{not json"); // the same bad value again, at a later revision
    time.eventually(() -> assertThat(backend.invalidEntries()).extracting(InvalidEntry::key)
        .containsExactlyInAnyOrder(broken, partial, broken));
    registry.instances("orders");
    registry.allInstances();

    backend.putRaw("orders", "partial", "{\"Id\":\"partial\",\"Name\":\"orders\",\"Address\":\"http://h:1\"}");
    registry.instances("orders");
    backend.putRaw("orders", "partial", "{\"Id\":\"partial\"}"); // fixed, then broken again
    time.eventually(() -> assertThat(events.events()).hasSize(2));
    registry.instances("orders");
    time.eventually(() -> assertThat(backend.invalidEntries()).extracting(InvalidEntry::key)
        .containsExactlyInAnyOrder(broken, partial, broken, partial));
    registry.allInstances();
    assertThat(backend.invalidEntries()).hasSize(4);
  }

  @Test
  default void readsAByteOrderMarkAndAnInternationalHostAsTheDotNetSideWritesThem(Registry registry,
      BackendControls backend) {
    backend.putRaw("orders", "i-1", "\uFEFF{\"Id\":\"i-1\",\"Name\":\"orders\",\"Address\":\"http://10.0.0.1:5000\"}");
    backend.putRaw("orders", "i-2", "{\"Id\":\"i-2\",\"Name\":\"orders\",\"Address\":\"http://h\\u00E9te:5000/\"}");

    assertThat(registry.instances("orders"))
        .containsExactly(ORDERS_1, ServiceInstance.of("orders", "i-2", "http://h\u00E9te:5000/"));
    assertThat(backend.invalidEntries()).isEmpty();
  }
}
