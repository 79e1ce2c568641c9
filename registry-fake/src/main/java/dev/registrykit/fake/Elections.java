package dev.registrykit.fake;

import dev.registrykit.Candidacy;
import dev.registrykit.CandidacyState;
import dev.registrykit.Election;
import dev.registrykit.internal.ElectionRule;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The elections of this registry, by name, with their keys under {@code {namespace}-elections/}: a
 * write under that root re-decides its election instead of reaching the watches.
 */
final class Elections {

  private final FakeContext context;
  /** Under lock. */
  private final Map<String, FakeElection> elections = new LinkedHashMap<>();

  Elections(FakeContext context) {
    this.context = context;
  }

  /** The root of every election's keys. */
  String root() {
    return ElectionRule.root(context.settings.namespace());
  }

  /** See {@link FakeRegistry#election(String)}; {@code name} is checked already. */
  Election election(String name) {
    synchronized (context.lock) {
      context.checkUsable("election");
      return elections.computeIfAbsent(name, this::create);
    }
  }

  /** See {@link FakeRegistry#campaignFromAnotherClient}; {@code election} is checked already. */
  Candidacy campaignFromAnotherClient(String election, String candidateId, Duration ttl) {
    FakeElection own;
    synchronized (context.lock) {
      context.checkOtherClient("campaignFromAnotherClient");
      own = elections.computeIfAbsent(election, this::create);
    }
    return own.campaign(candidateId, ttl, FakeCandidacy.Connection.ANOTHER_CLIENT);
  }

  private FakeElection create(String name) {
    return new FakeElection(context, name, ElectionRule.prefix(context.settings.namespace(), name));
  }

  /** If {@code key} belongs to an election, re-decides who leads it; whether it did. Under lock. */
  boolean changed(String key) {
    String root = root();
    if (!key.startsWith(root)) {
      return false;
    }
    String rest = key.substring(root.length());
    int slash = rest.indexOf('/');
    FakeElection election = slash < 0 ? null : elections.get(rest.substring(0, slash));
    if (election != null) {
      election.decide();
    }
    return true;
  }

  /** Under lock, after a wipe: every election re-decides. */
  void decideAll() {
    for (FakeElection election : elections.values()) {
      election.decide();
    }
  }

  /** Under lock, when a fault heals: as {@link Clients#resumeKeepAlives()}. */
  void resumeKeepAlives() {
    for (FakeElection election : elections.values()) {
      for (FakeCandidacy candidacy : election.candidacies) {
        candidacy.resumeKeepAlive();
      }
    }
  }

  /** Under lock, when the registry closes: every candidacy resigns, every observer falls silent. */
  void closeAll() {
    for (FakeElection election : elections.values()) {
      for (FakeCandidacy candidacy : new ArrayList<>(election.candidacies)) {
        candidacy.end(CandidacyState.RESIGNED, !candidacy.cutOff());
      }
      election.closeObservers();
    }
  }
}
