package dev.registrykit.etcd.internal;

import dev.registrykit.InvalidEntry;
import dev.registrykit.Recovery;
import dev.registrykit.ServiceInstance;
import dev.registrykit.internal.InstanceCodec;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.options.GetOption;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;

/**
 * What the parts of one {@code EtcdRegistry} share: the client, settings and the registry's two
 * threads ({@code scheduler} for keep-alive and recovery, {@code events} for listener calls).
 *
 * @param client               the jetcd client
 * @param namespace            the key root
 * @param defaultTtl           the TTL of register(instance)
 * @param callTimeout          the bound of every blocking call
 * @param recovery             what to do with lost registrations
 * @param invalidEntries       tells the listener (and the log) of values that are not instances, once
 *                             per key and revision
 * @param scheduler            runs keep-alive ticks and recovery attempts
 * @param events               calls listeners, one at a time, in order
 * @param calls                waits on futures and translates failures
 * @param connectivity         gets the connection and the waiting parts going again when etcd is back
 * @param registrationLog      the warnings of all the registry's registrations, each kind at most
 *                             once per 10 s, so that an outage logs a few lines, not a few per registration
 * @param valueFormat          what registrations write: the origin's value, or with etcd Go naming's {@code Addr}
 * @param keepAlives           the registry's one keep-alive stream, on which every lease is renewed
 */
public record RegistryContext(
    Client client,
    String namespace,
    Duration defaultTtl,
    Duration callTimeout,
    Recovery recovery,
    InvalidEntryReports invalidEntries,
    ScheduledExecutorService scheduler,
    ExecutorService events,
    Calls calls,
    Connectivity connectivity,
    RateLimitedLog.PerMessage registrationLog,
    InstanceCodec.Format valueFormat,
    KeepAliveStream keepAlives) {

  /** The same context with a keep-alive stream on {@code client}: what a registry makes. */
  public RegistryContext(Client client, String namespace, Duration defaultTtl, Duration callTimeout, Recovery recovery,
      InvalidEntryReports invalidEntries, ScheduledExecutorService scheduler, ExecutorService events, Calls calls,
      Connectivity connectivity, RateLimitedLog.PerMessage registrationLog, InstanceCodec.Format valueFormat) {
    this(client, namespace, defaultTtl, callTimeout, recovery, invalidEntries, scheduler, events, calls, connectivity,
        registrationLog, valueFormat, new KeepAliveStream(client));
  }

  /**
   * Makes jetcd renew its auth token: one count-only read of the namespace, a unary call, which
   * jetcd retries with a fresh token when etcd refuses the old one. Keep-alives need it on etcd 3.5,
   * which checks their token while jetcd does not renew it for them. Completes when the read did,
   * with its failure (etcd refusing the user or password fails it), within the call timeout.
   */
  CompletableFuture<?> renewAuthToken() {
    try {
      return Calls.within(client.getKVClient().get(ByteSequence.from(namespace + "/", StandardCharsets.UTF_8),
          GetOption.builder().isPrefix(true).withCountOnly(true).build()), callTimeout, scheduler);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /** The value a registration of {@code instance} writes. */
  String encode(ServiceInstance instance) {
    return InstanceCodec.encode(instance, valueFormat);
  }

  /** The instance stored in {@code kv}, or empty (reported) if its value is not one. */
  public Optional<ServiceInstance> decode(KeyValue kv) {
    String key = kv.getKey().toString(StandardCharsets.UTF_8);
    String value = kv.getValue().toString(StandardCharsets.UTF_8);
    try {
      ServiceInstance instance = InstanceCodec.decode(namespace, key, value);
      invalidEntries.forget(key);
      return Optional.of(instance);
    } catch (InstanceCodec.InvalidValueException e) {
      String shown = value.length() > 512 ? value.substring(0, 512) + "…" : value;
      invalidEntries.invalid(new InvalidEntry(key, shown, e.getMessage()), kv.getModRevision());
      return Optional.empty();
    }
  }

  /** A listing of {@code prefix} returned {@code kvs}: the bad keys it no longer has are forgotten. */
  public void listed(String prefix, List<KeyValue> kvs) {
    invalidEntries.listed(prefix, kvs);
  }

  /** {@code key} was deleted: its bad value, if it had one, is forgotten. */
  void deleted(String key) {
    invalidEntries.forget(key);
  }
}
