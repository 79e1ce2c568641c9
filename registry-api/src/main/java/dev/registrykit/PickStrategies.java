package dev.registrykit;

import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/** The strategies of {@link PickStrategy}'s factories. */
final class PickStrategies {

  static final PickStrategy RANDOM = new PickStrategy() {
    @Override
    public ServiceInstance pick(List<ServiceInstance> candidates) {
      return candidates.get(ThreadLocalRandom.current().nextInt(candidates.size()));
    }

    @Override
    public String toString() {
      return "PickStrategy.random()";
    }
  };

  private PickStrategies() {
  }

  /** A counter shared by every thread; wrapping around past {@code Integer.MAX_VALUE} stays in range. */
  static final class RoundRobin implements PickStrategy {
    private final AtomicInteger next = new AtomicInteger();

    @Override
    public ServiceInstance pick(List<ServiceInstance> candidates) {
      return candidates.get(Math.floorMod(next.getAndIncrement(), candidates.size()));
    }

    @Override
    public String toString() {
      return "PickStrategy.roundRobin()";
    }
  }

  /** Keeps its instance (by id) while it is a candidate; otherwise asks {@code moving} for another. */
  static final class Sticky implements PickStrategy {
    private final PickStrategy moving;
    private volatile ServiceInstance current;

    Sticky(PickStrategy moving) {
      this.moving = moving;
    }

    @Override
    public ServiceInstance pick(List<ServiceInstance> candidates) {
      ServiceInstance stuck = current;
      if (stuck != null) {
        for (ServiceInstance candidate : candidates) {
          if (candidate.instanceId().equals(stuck.instanceId())) {
            return candidate; // the latest data of the same instance
          }
        }
      }
      ServiceInstance chosen = moving.pick(candidates);
      current = chosen;
      return chosen;
    }

    @Override
    public String toString() {
      return "PickStrategy.sticky()";
    }
  }
}
