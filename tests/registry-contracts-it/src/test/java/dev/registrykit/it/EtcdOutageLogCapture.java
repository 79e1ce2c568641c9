package dev.registrykit.it;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Collects the log lines of an episode, until closed, from both logging systems of the test JVM:
 * what is written to {@code System.err}, where slf4j-simple (the tests' backend for jetcd) writes
 * every line, and what goes through {@code java.util.logging}, which grpc-java and its shaded Netty
 * use, and registrykit's {@link System.Logger} (no bridge to slf4j is on the classpath), seen by a
 * handler on the root logger.
 * slf4j-simple looks {@code System.err} up at each line, so replacing it works.
 */
final class EtcdOutageLogCapture implements AutoCloseable {

  private final PrintStream original = System.err;
  private final List<String> lines = new ArrayList<>();
  private final List<LogRecord> julRecords = new ArrayList<>();
  private final ByteArrayOutputStream current = new ByteArrayOutputStream();
  /** Held so that the root logger, and its handler, stay as configured while capturing. */
  private final Logger julRoot = Logger.getLogger("");
  private final Handler julHandler = new Handler() {
    @Override
    public void publish(LogRecord record) {
      if (record != null && record.getLevel().intValue() >= Level.WARNING.intValue()) {
        synchronized (EtcdOutageLogCapture.this) {
          julRecords.add(record);
        }
      }
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
    }
  };

  EtcdOutageLogCapture() {
    OutputStream tee = new OutputStream() {
      @Override
      public void write(int b) {
        original.write(b);
        record(b);
      }

      @Override
      public void write(byte[] bytes, int offset, int length) {
        original.write(bytes, offset, length);
        for (int i = offset; i < offset + length; i++) {
          record(bytes[i]);
        }
      }
    };
    System.setErr(new PrintStream(tee, true, StandardCharsets.UTF_8));
    julHandler.setLevel(Level.WARNING);
    julRoot.addHandler(julHandler);
  }

  private synchronized void record(int b) {
    if (b == '\n') {
      lines.add(current.toString(StandardCharsets.UTF_8));
      current.reset();
    } else {
      current.write(b);
    }
  }

  /** The lines written to {@code System.err} so far. */
  synchronized List<String> lines() {
    return List.copyOf(lines);
  }

  /**
   * Warnings (or worse) logged by a logger whose name starts with {@code loggerPrefix}: the WARN and
   * ERROR lines of slf4j-simple, then the WARNING and SEVERE records of {@code java.util.logging},
   * as {@code "WARNING logger: message"}.
   */
  List<String> warnings(String loggerPrefix) {
    List<String> found = new ArrayList<>();
    for (String line : lines()) {
      if ((line.contains(" WARN " + loggerPrefix) || line.contains(" ERROR " + loggerPrefix))) {
        found.add(line);
      }
    }
    synchronized (this) {
      for (LogRecord record : julRecords) {
        String logger = record.getLoggerName() == null ? "" : record.getLoggerName();
        if (logger.startsWith(loggerPrefix)) {
          found.add(record.getLevel() + " " + logger + ": " + record.getMessage());
        }
      }
    }
    return found;
  }

  @Override
  public void close() {
    julRoot.removeHandler(julHandler);
    System.err.flush();
    System.setErr(original);
  }
}
