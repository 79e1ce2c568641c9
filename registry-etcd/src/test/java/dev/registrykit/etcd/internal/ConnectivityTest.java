package dev.registrykit.etcd.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import io.etcd.jetcd.Client;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ConnectivityTest {

  @Test
  void answeredRunsEachWaitingActionOnceOnTheExecutor() {
    List<Runnable> executed = new ArrayList<>();
    Connectivity connectivity = new Connectivity(null, executed::add);
    AtomicInteger first = new AtomicInteger();
    AtomicInteger second = new AtomicInteger();
    Runnable one = first::incrementAndGet;
    Runnable two = second::incrementAndGet;
    connectivity.await(one);
    connectivity.await(one);
    connectivity.await(two);

    connectivity.answered();
    assertThat(first).hasValue(0); // not on the caller's thread
    executed.forEach(Runnable::run);
    connectivity.answered();

    assertThat(executed).hasSize(2);
    assertThat(first).hasValue(1);
    assertThat(second).hasValue(1);
  }

  @Test
  void anActionNoLongerAwaitedDoesNotRun() {
    List<Runnable> executed = new ArrayList<>();
    Connectivity connectivity = new Connectivity(null, executed::add);
    Runnable action = () -> { };
    connectivity.await(action);
    connectivity.stopAwaiting(action);

    connectivity.answered();

    assertThat(executed).isEmpty();
  }

  /** Fails when a jetcd upgrade moves the channel: then outages last up to gRPC's 2-minute backoff. */
  @Test
  void findsTheGrpcChannelOfTheJetcdClient() {
    try (Client client = Client.builder().endpoints("http://127.0.0.1:1").build()) {
      Connectivity connectivity = new Connectivity(client, Runnable::run);

      assertThat(connectivity.reachesChannel()).isTrue();
      assertThatCode(connectivity::retrying).doesNotThrowAnyException();
    }
  }

  @Test
  void aClientWithoutTheChannelWhereExpectedIsLeftToGrpc() {
    Client other = (Client) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Client.class},
        (proxy, method, args) -> null);
    Connectivity connectivity = new Connectivity(other, Runnable::run);

    assertThat(connectivity.reachesChannel()).isFalse();
    assertThatCode(connectivity::retrying).doesNotThrowAnyException();
  }
}
