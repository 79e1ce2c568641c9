package dev.registrykit.etcd.internal;

import dev.registrykit.InvalidEntry;
import dev.registrykit.InvalidEntryListener;
import dev.registrykit.ServiceInstance;
import dev.registrykit.etcd.Recovery;
import dev.registrykit.internal.InstanceCodec;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
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
 * @param invalidEntryListener told (and the log too) of values that are not instances
 * @param scheduler            runs keep-alive ticks and recovery attempts
 * @param events               calls listeners, one at a time, in order
 * @param calls                waits on futures and translates failures
 * @param connectivity         gets the connection and the waiting parts going again when etcd is back
 * @param registrationLog      the warnings of all the registry's registrations, each kind at most
 *                             once per 10 s, so that an outage logs a few lines, not a few per registration
 * @param valueFormat          what registrations write: the origin's value, or with etcd Go naming's {@code Addr}
 */
public record RegistryContext(
    Client client,
    String namespace,
    Duration defaultTtl,
    Duration callTimeout,
    Recovery recovery,
    InvalidEntryListener invalidEntryListener,
    ScheduledExecutorService scheduler,
    ExecutorService events,
    Calls calls,
    Connectivity connectivity,
    RateLimitedLog.PerMessage registrationLog,
    InstanceCodec.Format valueFormat) {

  /** A context that writes the origin's value. */
  public RegistryContext(Client client, String namespace, Duration defaultTtl, Duration callTimeout, Recovery recovery,
      InvalidEntryListener invalidEntryListener, ScheduledExecutorService scheduler, ExecutorService events,
      Calls calls, Connectivity connectivity, RateLimitedLog.PerMessage registrationLog) {
    this(client, namespace, defaultTtl, callTimeout, recovery, invalidEntryListener, scheduler, events, calls,
        connectivity, registrationLog, InstanceCodec.Format.ORIGIN);
  }

  /** The value a registration of {@code instance} writes. */
  public String encode(ServiceInstance instance) {
    return InstanceCodec.encode(instance, valueFormat);
  }

  /** The instance stored in {@code kv}, or empty (reported) if its value is not one. */
  public Optional<ServiceInstance> decode(KeyValue kv) {
    String key = kv.getKey().toString(StandardCharsets.UTF_8);
    String value = kv.getValue().toString(StandardCharsets.UTF_8);
    try {
      return Optional.of(InstanceCodec.decode(namespace, key, value));
    } catch (InstanceCodec.InvalidValueException e) {
      String shown = value.length() > 512 ? value.substring(0, 512) + "…" : value;
      invalidEntryListener.invalidEntry(new InvalidEntry(key, shown, e.getMessage()));
      return Optional.empty();
    }
  }
}
