package dev.registrykit.etcd.internal;

import dev.registrykit.Candidacy;
import dev.registrykit.CandidacyState;
import dev.registrykit.Election;
import dev.registrykit.Leader;
import dev.registrykit.LeaderListener;
import dev.registrykit.Subscription;
import dev.registrykit.internal.Validation;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.lease.LeaseGrantResponse;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import io.etcd.jetcd.options.WatchOption;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An election on etcd, as etcd's concurrency package does it: each candidate puts {@code
 * {prefix}{leaseId}} on its own lease; the key with the smallest create revision leads, and that
 * revision is the fencing token. A watch on the prefix re-decides after every change.
 */
public final class EtcdElection implements Election {

  private static final Logger LOG = LoggerFactory.getLogger(EtcdElection.class);

  private final RegistryContext context;
  private final String name;
  private final String prefix;
  private final ByteSequence prefixBytes;
  private final List<EtcdCandidacy> candidacies = new CopyOnWriteArrayList<>();
  private final List<LeaderListener> observers = new CopyOnWriteArrayList<>();
  private final RateLimitedLog failureLog = new RateLimitedLog(LOG, Duration.ofSeconds(10));
  private Optional<Leader> current = Optional.empty(); // guarded by this
  private Watch.Watcher watcher; // guarded by this
  private boolean closed; // guarded by this

  /** The election {@code name} under the registry's namespace. */
  public EtcdElection(RegistryContext context, String name) {
    this.context = context;
    this.name = name;
    this.prefix = context.namespace() + "-elections/" + name + "/";
    this.prefixBytes = ByteSequence.from(prefix, StandardCharsets.UTF_8);
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public Candidacy campaign(String candidateId, Duration ttl) {
    Validation.requireName("candidateId", candidateId);
    Validation.requireTtl(ttl);
    watch();
    String operation = "campaign " + candidateId + " in " + name;
    LeaseGrantResponse grant = context.calls().call(() ->
        context.client().getLeaseClient().grant(ttl.toSeconds()), operation + " (lease grant)");
    String key = prefix + String.format("%016x", grant.getID());
    try {
      context.calls().call(() -> context.client().getKVClient().put(ByteSequence.from(key, StandardCharsets.UTF_8),
          ByteSequence.from(candidateId, StandardCharsets.UTF_8), PutOption.builder().withLeaseId(grant.getID()).build()),
          operation + " (put)");
    } catch (RuntimeException e) {
      context.client().getLeaseClient().revoke(grant.getID());
      throw e;
    }
    EtcdCandidacy candidacy = new EtcdCandidacy(context, this, candidateId, key, grant.getID(),
        Duration.ofSeconds(grant.getTTL()));
    candidacies.add(candidacy);
    decide(list(operation + " (get)"));
    candidacy.startKeepAlive();
    return candidacy;
  }

  @Override
  public Optional<Leader> leader() {
    decide(list("leader of " + name));
    synchronized (this) {
      return current;
    }
  }

  @Override
  public Subscription observe(LeaderListener listener) {
    Validation.requireNonNull(listener, "listener");
    watch();
    decide(list("observe " + name));
    synchronized (this) {
      observers.add(listener);
      Optional<Leader> now = current;
      tell(listener, now);
    }
    return () -> observers.remove(listener);
  }

  private GetResponse list(String operation) {
    return context.calls().call(() ->
        context.client().getKVClient().get(prefixBytes, GetOption.builder().isPrefix(true).build()), operation);
  }

  /** Re-decides from a listing of the prefix: who leads, which local candidacies lead or are gone. */
  private synchronized void decide(GetResponse listing) {
    KeyValue first = null;
    Set<String> present = new HashSet<>();
    for (KeyValue kv : listing.getKvs()) {
      present.add(kv.getKey().toString(StandardCharsets.UTF_8));
      if (first == null || kv.getCreateRevision() < first.getCreateRevision()) {
        first = kv;
      }
    }
    String leaderKey = first == null ? null : first.getKey().toString(StandardCharsets.UTF_8);
    for (EtcdCandidacy candidacy : candidacies) {
      if (!present.contains(candidacy.key())) {
        candidacy.gone();
      } else if (candidacy.key().equals(leaderKey)) {
        candidacy.elected(first.getCreateRevision());
      }
    }
    Optional<Leader> next = first == null ? Optional.empty()
        : Optional.of(new Leader(name, first.getValue().toString(StandardCharsets.UTF_8), first.getCreateRevision()));
    if (!next.equals(current)) {
      current = next;
      for (LeaderListener observer : observers) {
        tell(observer, next);
      }
    }
  }

  private void tell(LeaderListener listener, Optional<Leader> leader) {
    try {
      context.events().execute(() -> {
        try {
          listener.leaderChanged(leader);
        } catch (RuntimeException e) {
          LOG.warn("leader listener of {} failed", name, e);
        }
      });
    } catch (RejectedExecutionException e) {
      LOG.debug("registry closed: not telling an observer of {}", name);
    }
  }

  /** Starts the watch that re-decides after every change of the prefix (once). */
  private synchronized void watch() {
    if (watcher != null || closed) {
      return;
    }
    watcher = context.client().getWatchClient().watch(prefixBytes, WatchOption.builder().isPrefix(true).build(),
        Watch.listener(response -> redecide(), failure -> {
          failureLog.warn("watch of election {} broke ({}); watching again", name, failure.toString());
          synchronized (this) {
            watcher = null;
          }
          watch();
          redecide();
        }));
  }

  private void redecide() {
    try {
      context.events().execute(() -> {
        try {
          decide(list("election " + name + " (re-decide)"));
        } catch (RuntimeException e) {
          failureLog.warn("could not re-decide election {}: {}", name, e.getMessage());
        }
      });
    } catch (RejectedExecutionException e) {
      LOG.debug("registry closed: not re-deciding {}", name);
    }
  }

  void forget(EtcdCandidacy candidacy) {
    candidacies.remove(candidacy);
  }

  /** Resigns every candidacy and stops watching. */
  public void close() {
    for (EtcdCandidacy candidacy : candidacies) {
      try {
        candidacy.close();
      } catch (RuntimeException e) {
        LOG.warn("could not resign {} from {} while closing: {}", candidacy.candidateId(), name, e.getMessage());
      }
    }
    observers.clear();
    synchronized (this) {
      closed = true;
      if (watcher != null) {
        watcher.close();
        watcher = null;
      }
    }
  }

  /** Whether a state means the candidacy is over. */
  static boolean ended(CandidacyState state) {
    return state == CandidacyState.LOST || state == CandidacyState.RESIGNED;
  }
}
