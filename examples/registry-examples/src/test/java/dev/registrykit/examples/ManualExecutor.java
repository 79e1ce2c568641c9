package dev.registrykit.examples;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.Executor;

/**
 * Runs nothing until the test says so: how a fake test runs the migration job step by step, on its
 * own thread, without starting a thread or sleeping.
 */
final class ManualExecutor implements Executor {

  private final Deque<Runnable> tasks = new ArrayDeque<>();

  @Override
  public synchronized void execute(Runnable task) {
    tasks.add(task);
  }

  /** How many tasks wait. */
  synchronized int pending() {
    return tasks.size();
  }

  /** Runs the oldest waiting task, if any; returns whether one ran. */
  boolean runNext() {
    Runnable task;
    synchronized (this) {
      task = tasks.poll();
    }
    if (task == null) {
      return false;
    }
    task.run();
    return true;
  }

  /** Runs the waiting tasks, and those they add, until none is left; returns how many ran. */
  int runAll() {
    int ran = 0;
    while (runNext()) {
      ran++;
    }
    return ran;
  }
}
