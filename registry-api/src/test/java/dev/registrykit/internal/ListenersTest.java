package dev.registrykit.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.registrykit.Subscription;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class ListenersTest {

  private final Listeners<Consumer<String>> listeners = new Listeners<>();
  private final List<String> heard = new ArrayList<>();

  private Consumer<String> named(String name) {
    return message -> heard.add(name + ":" + message);
  }

  private void tell(String message) {
    listeners.forEach(listener -> listener.accept(message));
  }

  @Test
  void callsEachListenerInTheOrderAdded() {
    listeners.add(named("a"));
    listeners.add(named("b"));

    tell("x");

    assertThat(heard).containsExactly("a:x", "b:x");
  }

  @Test
  void closingASubscriptionRemovesThatListenerOnlyAndIsIdempotent() {
    Consumer<String> a = named("a");
    Subscription first = listeners.add(a);
    listeners.add(named("b"));
    Subscription second = listeners.add(a);

    second.close();
    second.close();
    tell("x");

    assertThat(heard).as("the same listener added twice: closing the second leaves the first in its place")
        .containsExactly("a:x", "b:x");
    first.close();
    heard.clear();
    tell("y");
    assertThat(heard).containsExactly("b:y");
  }

  @Test
  void aListenerClosedDuringAnIterationIsNotCalledAfterwards() {
    List<Subscription> subscriptions = new ArrayList<>();
    subscriptions.add(listeners.add(message -> {
      heard.add("a:" + message);
      subscriptions.get(1).close();
    }));
    subscriptions.add(listeners.add(named("b")));

    tell("x");

    assertThat(heard).containsExactly("a:x");
    assertThat(listeners.isEmpty()).isFalse();
  }

  @Test
  void aListenerAddedDuringAnIterationHearsOnlyLaterNotifications() {
    listeners.add(message -> {
      heard.add("a:" + message);
      if (message.equals("x")) {
        listeners.add(named("late"));
      }
    });

    tell("x");
    tell("y");

    assertThat(heard).containsExactly("a:x", "a:y", "late:y");
  }

  @Test
  void subscriptionsTellWhetherTheyAreStillOpenForNotificationsDeliveredLater() {
    Listeners.Entry<Consumer<String>> entry = listeners.add(named("a"));
    List<Listeners.Entry<Consumer<String>>> queued = listeners.subscriptions();

    entry.close();

    assertThat(queued).containsExactly(entry);
    assertThat(entry.isOpen()).isFalse();
    assertThat(listeners.subscriptions()).isEmpty();
  }

  @Test
  void closeAllSilencesEverySubscription() {
    Listeners.Entry<Consumer<String>> a = listeners.add(named("a"));
    Listeners.Entry<Consumer<String>> b = listeners.add(named("b"));

    listeners.closeAll();
    tell("x");

    assertThat(heard).isEmpty();
    assertThat(a.isOpen()).isFalse();
    assertThat(b.isOpen()).isFalse();
    assertThat(listeners.isEmpty()).isTrue();
  }

  @Test
  void aNullListenerIsRefusedByName() {
    assertThatThrownBy(() -> listeners.add(null))
        .isInstanceOf(NullPointerException.class).hasMessage("listener must not be null");
  }
}
