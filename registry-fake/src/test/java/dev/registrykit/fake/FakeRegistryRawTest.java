package dev.registrykit.fake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.registrykit.InvalidEntry;
import dev.registrykit.Registration;
import dev.registrykit.RegistrationState;
import dev.registrykit.RegistryEvent;
import dev.registrykit.RegistryEvent.Added;
import dev.registrykit.RegistryEvent.Removed;
import dev.registrykit.RegistryEvent.Updated;
import dev.registrykit.ServiceInstance;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** Values written and deleted "by another program", such as the origin's .NET services. */
class FakeRegistryRawTest {

  private static final Duration TTL = Duration.ofSeconds(30);
  private static final String KEY = "/services/OrderShippingService/3f2b9a2e-6d1c-4a0e-9a77-2b7f5f0f1c11";
  private static final ServiceInstance DOTNET = ServiceInstance.of(
      "OrderShippingService", "3f2b9a2e-6d1c-4a0e-9a77-2b7f5f0f1c11", "http://localhost:5000");
  private static final String DOTNET_JSON =
      "{\"Id\":\"3f2b9a2e-6d1c-4a0e-9a77-2b7f5f0f1c11\",\"Name\":\"OrderShippingService\",\"Address\":\"http://localhost:5000\"}";

  private final List<InvalidEntry> invalid = new CopyOnWriteArrayList<>();
  private final FakeRegistry registry = FakeRegistry.builder().withInvalidEntryListener(invalid::add).build();
  private final List<RegistryEvent> events = new CopyOnWriteArrayList<>();

  @Test
  void theOriginsPascalCaseJsonIsListedWatchedAndCountedAsAService() {
    registry.watchAll(events::add);

    registry.putRaw(KEY, DOTNET_JSON);

    assertThat(registry.instances("OrderShippingService")).containsExactly(DOTNET);
    assertThat(registry.allInstances()).containsExactly(DOTNET);
    assertThat(registry.services()).containsExactly("OrderShippingService");
    assertThat(events).containsExactly(new Added(DOTNET, 2));
    assertThat(invalid).isEmpty();
  }

  @Test
  void getRawReadsTheStoredValueWhileCutOffAndAfterTheClose() {
    registry.putRaw(KEY, DOTNET_JSON);
    Registration registration = registry.register(ServiceInstance.of("orders", "i-1", "http://h:1"), TTL);

    assertThat(registry.getRaw(KEY)).contains(DOTNET_JSON);
    assertThat(registry.getRaw("/services/orders/i-1")).contains("{\"Id\":\"i-1\",\"Name\":\"orders\",\"Address\":\"http://h:1\"}");
    assertThat(registry.getRaw("/services/orders/nobody")).isEmpty();
    InjectedFault outage = registry.inject(Fault.unavailable());
    assertThat(registry.getRaw(KEY)).as("while cut off").contains(DOTNET_JSON);
    outage.heal();
    registry.close();
    assertThat(registry.getRaw("/services/orders/i-1")).as("the registration's key after the close").isEmpty();
    assertThat(registry.getRaw(KEY)).as("another program's key after the close").contains(DOTNET_JSON);
    assertThat(registration.state()).isEqualTo(RegistrationState.CLOSED);
    assertThatThrownBy(() -> registry.getRaw("/elsewhere/orders/i-1")).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("key must be under the namespace /services/ but was: \"/elsewhere/orders/i-1\"");
  }

  @Test
  void propertyNamesInAnyLetterCaseAndUnknownPropertiesAreAccepted() {
    registry.putRaw("/services/orders/upper", "{\"ID\":\"upper\",\"NAME\":\"orders\",\"ADDRESS\":\"http://u:1\"}");
    registry.putRaw("/services/orders/lower",
        "{\"id\":\"lower\",\"name\":\"orders\",\"address\":\"http://l:1\",\"Version\":2,\"Tags\":[\"a\"],\"Extra\":{\"x\":null}}");
    registry.putRaw("/services/orders/meta",
        "{\"Id\":\"meta\",\"Name\":\"orders\",\"Address\":\"http://m:1\",\"Metadata\":{\"zone\":\"eu-1\"}}");

    assertThat(registry.instances("orders")).containsExactly(
        ServiceInstance.of("orders", "lower", "http://l:1"),
        ServiceInstance.of("orders", "meta", "http://m:1").withMetadata("zone", "eu-1"),
        ServiceInstance.of("orders", "upper", "http://u:1"));
    assertThat(invalid).isEmpty();
  }

  @Test
  void corruptValuesAreSkippedAndReportedAndNeverBreakTheListing() {
    registry.putRaw("/services/orders/a", "{\"Id\":\"a\",\"Name\":\"orders\",\"Address\":\"http://a:1\"}");
    registry.putRaw("/services/orders/garbage", "<xml>not json</xml>");
    registry.putRaw("/services/orders/mismatch", "{\"Id\":\"other\",\"Name\":\"orders\",\"Address\":\"http://x:1\"}");
    registry.putRaw("/services/orders/number", "{\"Id\":\"number\",\"Name\":\"orders\",\"Address\":42}");
    registry.putRaw("/services/orders/too/deep", "{\"Id\":\"deep\",\"Name\":\"orders\",\"Address\":\"http://d:1\"}");
    registry.putRaw("/services/junk/x", "[]");

    assertThat(registry.instances("orders")).containsExactly(ServiceInstance.of("orders", "a", "http://a:1"));
    assertThat(registry.services()).as("a service with no valid instance is not a service").containsExactly("orders");

    assertThat(invalid).as("each reported once, when written; listings do not repeat them")
        .extracting(InvalidEntry::key).containsExactly(
        "/services/orders/garbage", "/services/orders/mismatch", "/services/orders/number", "/services/orders/too/deep",
        "/services/junk/x");
    assertThat(invalid.get(1).reason()).isEqualTo("Id \"other\" does not match the key's instance id \"mismatch\"");
    assertThat(invalid.get(2).reason()).isEqualTo("\"Address\" is not a string but: 42");
    assertThat(invalid.get(4).reason()).isEqualTo("value is not a JSON object");
  }

  @Test
  void aCorruptValueOverAnInstanceIsARemovalAndAValidOneAfterItAnAddition() {
    registry.putRaw(KEY, DOTNET_JSON);
    registry.watch("OrderShippingService", events::add);
    invalid.clear();

    registry.putRaw(KEY, "{truncated");
    registry.putRaw(KEY, DOTNET_JSON);

    assertThat(events).containsExactly(new Added(DOTNET, 2), new Removed(DOTNET, 3), new Added(DOTNET, 4));
    assertThat(invalid).singleElement().extracting(InvalidEntry::value).isEqualTo("{truncated");
  }

  @Test
  void aWatchStartedOverACorruptValueSkipsAndReportsIt() {
    registry.putRaw("/services/orders/bad", "nope");
    registry.putRaw("/services/orders/good", "{\"Id\":\"good\",\"Name\":\"orders\",\"Address\":\"http://g:1\"}");

    registry.watch("orders", events::add);

    assertThat(events).containsExactly(new Added(ServiceInstance.of("orders", "good", "http://g:1"), 3));
    assertThat(invalid).as("reported once, when written, not again by the watch's listing")
        .extracting(InvalidEntry::key).containsExactly("/services/orders/bad");
  }

  @Test
  void anInvalidEntryListenerThatThrowsBreaksNothing() {
    FakeRegistry fake = FakeRegistry.builder().withInvalidEntryListener(entry -> {
      throw new IllegalStateException("metrics down");
    }).build();
    fake.putRaw("/services/orders/bad", "nope");
    fake.putRaw("/services/orders/good", "{\"Id\":\"good\",\"Name\":\"orders\",\"Address\":\"http://g:1\"}");

    assertThat(fake.instances("orders")).extracting(ServiceInstance::instanceId).containsExactly("good");
    assertThat(fake.listenerFailures()).extracting(Throwable::getMessage).containsOnly("metrics down").hasSize(1);
  }

  @Test
  void aRawKeyOnALeaseGoesWhenTheLeaseRunsOut() {
    registry.watchAll(events::add);

    Duration granted = registry.putRaw(KEY, DOTNET_JSON, Duration.ofSeconds(1));
    registry.clock().advance(Duration.ofMillis(1999));
    assertThat(registry.instances("OrderShippingService")).containsExactly(DOTNET);
    registry.clock().advance(Duration.ofMillis(1));

    assertThat(granted).as("at least the minimum TTL").isEqualTo(Duration.ofSeconds(2));
    assertThat(registry.instances("OrderShippingService")).isEmpty();
    assertThat(events).containsExactly(new Added(DOTNET, 2), new Removed(DOTNET, 3));
    assertThatThrownBy(() -> registry.putRaw(KEY, DOTNET_JSON, Duration.ofMillis(500)))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("ttl must be a whole number of seconds but was: PT0.5S");
  }

  @Test
  void aRegistrationOverwrittenByAnotherProgramLeavesItsValueAloneWhenClosedOrExpired() {
    Registration registration = registry.register(DOTNET.withAddress("http://java:1"), TTL);
    registry.watchAll(events::add);

    registry.putRaw(KEY, DOTNET_JSON);
    registration.close();
    Registration crashed = registry.register(ServiceInstance.of("orders", "i-1", "http://java:2"), TTL);
    registry.crash(crashed);
    registry.putRaw("/services/orders/i-1", "{\"Id\":\"i-1\",\"Name\":\"orders\",\"Address\":\"http://dotnet:2\"}");
    registry.clock().advance(TTL.multipliedBy(2));

    assertThat(registry.allInstances()).containsExactly(
        DOTNET, ServiceInstance.of("orders", "i-1", "http://dotnet:2"));
    assertThat(events).filteredOn(Removed.class::isInstance).isEmpty();
    assertThat(events.get(1)).isEqualTo(new Updated(DOTNET, DOTNET.withAddress("http://java:1"), 3));
    assertThat(crashed.state()).isEqualTo(RegistrationState.LOST);
  }

  @Test
  void deleteRawRemovesAnyKeyAndSaysWhetherItWasThere() {
    Registration registration = registry.register(DOTNET, TTL);
    registry.putRaw("/services/orders/bad", "nope");
    registry.watchAll(events::add);

    assertThat(registry.deleteRaw(KEY)).isTrue();
    assertThat(registry.deleteRaw(KEY)).isFalse();
    assertThat(registry.deleteRaw("/services/orders/bad")).isTrue();

    assertThat(events).containsExactly(new Added(DOTNET, 2), new Removed(DOTNET, 4));
    assertThat(registry.revision()).as("a delete of an invalid value is a write too").isEqualTo(5);
    assertThat(registry.allInstances()).isEmpty();
    assertThat(registration.state()).as("its lease lives on, as on etcd").isEqualTo(RegistrationState.ACTIVE);
    registration.close();
    assertThat(registry.revision()).as("nothing left to delete").isEqualTo(5);
  }

  @Test
  void rawKeysMustBeUnderTheNamespace() {
    FakeRegistry tenant = FakeRegistry.builder().withNamespace("/tenants/a").build();

    tenant.putRaw("/tenants/a/orders/i-1", "{\"Id\":\"i-1\",\"Name\":\"orders\",\"Address\":\"http://h:1\"}");

    assertThat(tenant.instances("orders")).extracting(ServiceInstance::instanceId).containsExactly("i-1");
    assertThatThrownBy(() -> tenant.putRaw("/tenants/ab/orders/i-1", "{}"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("key must be under the namespace /tenants/a/ but was: \"/tenants/ab/orders/i-1\"");
    assertThatThrownBy(() -> tenant.deleteRaw("/services/orders/i-1")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> tenant.putRaw(null, "{}")).isInstanceOf(NullPointerException.class)
        .hasMessage("key must not be null");
    assertThatThrownBy(() -> tenant.putRaw("/tenants/a/orders/i-1", null)).isInstanceOf(NullPointerException.class)
        .hasMessage("value must not be null");
  }
}
