package dev.registrykit.junit.internal;

import java.net.URI;
import java.util.List;

/** An etcd the extension runs (or was pointed at), with the fault controls its backend allows. */
interface EtcdServer extends AutoCloseable {

  /** {@code container}, {@code process} or {@code external}. */
  String backend();

  List<URI> endpoints();

  void pause();

  void unpause();

  void stop();

  /** Starts etcd after {@link #stop()} or {@link #kill()} (unpauses it after {@link #pause()}) and waits until it answers. */
  void start();

  void kill();

  /**
   * Brings etcd back to serving if a fault control left it paused, stopped or killed, and waits
   * until it answers; does nothing if it serves. Runs after every test, so a test that failed
   * before undoing its fault does not leave the next tests without etcd.
   */
  void restore();

  /** Stops and removes whatever runs; idempotent; never throws. */
  @Override
  void close();
}
