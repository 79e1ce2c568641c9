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

  void start();

  void kill();

  /** Stops and removes whatever runs; idempotent; never throws. */
  @Override
  void close();
}
