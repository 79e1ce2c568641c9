package dev.registrykit.fake;

import dev.registrykit.Candidacy;
import dev.registrykit.CandidacyState;
import dev.registrykit.Election;
import dev.registrykit.Leader;
import dev.registrykit.LeaderListener;
import dev.registrykit.Subscription;
import dev.registrykit.internal.ElectionRule;
import dev.registrykit.internal.Listeners;
import dev.registrykit.internal.Validation;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** One election: its candidacies of this registry, its observers, and who leads. */
final class FakeElection implements Election {

  private final FakeContext context;
  final String name;
  private final String prefix;
  /** Under lock. */
  final List<FakeCandidacy> candidacies = new ArrayList<>();
  private final Listeners<LeaderListener> observers = new Listeners<>();
  private Optional<Leader> current = Optional.empty();

  FakeElection(FakeContext context, String name, String prefix) {
    this.context = context;
    this.name = name;
    this.prefix = prefix;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public Candidacy campaign(String candidateId, Duration ttl) {
    return campaign(candidateId, ttl, FakeCandidacy.Connection.THIS_CLIENT);
  }

  Candidacy campaign(String candidateId, Duration ttl, FakeCandidacy.Connection connection) {
    Validation.requireName("candidateId", candidateId);
    Validation.requireTtl(ttl);
    FakeCandidacy candidacy;
    synchronized (context.lock) {
      if (connection == FakeCandidacy.Connection.THIS_CLIENT) {
        context.checkUsable("campaign");
      } else {
        context.checkOtherClient("campaignFromAnotherClient");
      }
      Duration granted = context.settings.granted(ttl);
      Lessor.Lease lease = context.lessor.grant(granted);
      candidacy = new FakeCandidacy(context, this, candidateId, granted, lease,
          ElectionRule.candidateKey(prefix, lease.id), connection);
      candidacies.add(candidacy);
      context.store.put(candidacy.key, candidateId, lease.id);
      candidacy.renewed();
      candidacy.scheduleKeepAlive();
    }
    context.callbacks.deliver();
    return candidacy;
  }

  @Override
  public Optional<Leader> leader() {
    synchronized (context.lock) {
      context.checkUsable("leader");
      return current;
    }
  }

  @Override
  public Subscription observe(LeaderListener listener) {
    Validation.requireNonNull(listener, "listener");
    Listeners.Entry<LeaderListener> observer;
    synchronized (context.lock) {
      context.checkUsable("observe");
      observer = observers.add(listener);
      tell(observer, current);
    }
    context.callbacks.deliver();
    return observer;
  }

  /** The leader is the key with the smallest create revision ({@link ElectionRule#leader}). Under lock. */
  void decide() {
    List<ElectionRule.Candidate> keys = new ArrayList<>();
    for (Map.Entry<String, Store.Entry> e : context.store.subMap(prefix).entrySet()) {
      keys.add(new ElectionRule.Candidate(e.getKey(), e.getValue().value, e.getValue().createRevision));
    }
    Optional<ElectionRule.Candidate> first = ElectionRule.leader(keys);
    String leaderKey = first.map(ElectionRule.Candidate::key).orElse(null);
    Optional<Leader> next = first.map(candidate -> candidate.asLeader(name));
    for (FakeCandidacy candidacy : new ArrayList<>(candidacies)) {
      if (!context.store.contains(candidacy.key)) {
        candidacy.end(CandidacyState.LOST, false);
      } else if (candidacy.key.equals(leaderKey) && candidacy.state == CandidacyState.WAITING) {
        candidacy.token = first.get().createRevision();
        candidacy.changeState(CandidacyState.LEADING);
      }
    }
    if (!next.equals(current)) {
      current = next;
      for (Listeners.Entry<LeaderListener> observer : observers.subscriptions()) {
        tell(observer, next);
      }
    }
  }

  /** Under lock, when the registry closes. */
  void closeObservers() {
    observers.closeAll();
  }

  /**
   * Under lock: queues the leader for delivery to one {@link Election#observe} subscription (held back
   * while the fake is unavailable); silent once closed, even for changes already queued.
   */
  private void tell(Listeners.Entry<LeaderListener> observer, Optional<Leader> leader) {
    context.callbacks.toWatchers(() -> {
      if (observer.isOpen()) {
        observer.listener().leaderChanged(leader);
      }
    });
  }
}
