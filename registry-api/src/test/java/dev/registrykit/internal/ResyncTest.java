package dev.registrykit.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.registrykit.RegistryEvent;
import dev.registrykit.ServiceInstance;
import dev.registrykit.internal.Resync.Difference;
import dev.registrykit.internal.Resync.Known;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class ResyncTest {

  private static final ServiceInstance A = ServiceInstance.of("orders", "a", "http://10.0.0.1:80");
  private static final ServiceInstance A2 = ServiceInstance.of("orders", "a", "http://10.0.0.1:81");
  private static final ServiceInstance B = ServiceInstance.of("orders", "b", "http://10.0.0.2:80");
  private static final ServiceInstance C = ServiceInstance.of("orders", "c", "http://10.0.0.3:80");

  private static Map<String, Known> map(Object... keysAndKnown) {
    Map<String, Known> result = new TreeMap<>();
    for (int i = 0; i < keysAndKnown.length; i += 2) {
      result.put((String) keysAndKnown[i], (Known) keysAndKnown[i + 1]);
    }
    return result;
  }

  @Test
  void aFirstListingIsAnAddedPerInstanceInRevisionOrder() {
    assertThat(Resync.differences(map(), map("a", new Known(A, 7), "b", new Known(B, 3)), 9)).containsExactly(
        new Difference("b", new RegistryEvent.Added(B, 3)),
        new Difference("a", new RegistryEvent.Added(A, 7)));
  }

  @Test
  void addedAndUpdatedAtTheirWritesRemovedAtTheListingInRevisionOrder() {
    Map<String, Known> told = map("a", new Known(A, 2), "b", new Known(B, 3));
    Map<String, Known> listed = map("a", new Known(A2, 8), "c", new Known(C, 5));

    assertThat(Resync.differences(told, listed, 10)).containsExactly(
        new Difference("c", new RegistryEvent.Added(C, 5)),
        new Difference("a", new RegistryEvent.Updated(A2, A, 8)),
        new Difference("b", new RegistryEvent.Removed(B, 10)));
  }

  @Test
  void nothingForAnInstanceWrittenAgainUnchangedNorForOneThatCameAndWent() {
    Map<String, Known> told = map("a", new Known(A, 2));
    Map<String, Known> listed = map("a", new Known(A, 6));

    assertThat(Resync.differences(told, listed, 9)).isEmpty();
  }

  @Test
  void aChangedInstanceAtTheSameRevisionIsUpdatedAsAfterAWipe() {
    // etcd's revisions start again after a wipe: the same revision may hold another write
    assertThat(Resync.differences(map("a", new Known(A, 4)), map("a", new Known(A2, 4)), 5))
        .containsExactly(new Difference("a", new RegistryEvent.Updated(A2, A, 4)));
  }

  @Test
  void tiesAreInKeyOrderWhateverTheirKind() {
    Map<String, Known> told = map("a", new Known(A, 2), "c", new Known(C, 3));
    Map<String, Known> listed = map("b", new Known(B, 9), "c", new Known(C, 3));

    assertThat(Resync.differences(told, listed, 9)).containsExactly(
        new Difference("a", new RegistryEvent.Removed(A, 9)),
        new Difference("b", new RegistryEvent.Added(B, 9)));
  }

  @Test
  void aKnownInstanceIsRequired() {
    assertThatThrownBy(() -> new Known(null, 1))
        .isInstanceOf(NullPointerException.class).hasMessage("instance must not be null");
  }
}
