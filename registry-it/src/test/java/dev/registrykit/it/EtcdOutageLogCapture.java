package dev.registrykit.it;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Copies what is written to {@code System.err} (where slf4j-simple, the tests' logging backend,
 * writes every line) into a list of lines as well, until closed, so that a test can count the log
 * lines of an episode. slf4j-simple looks {@code System.err} up at each line, so replacing it works.
 */
final class EtcdOutageLogCapture implements AutoCloseable {

  private final PrintStream original = System.err;
  private final List<String> lines = new ArrayList<>();
  private final ByteArrayOutputStream current = new ByteArrayOutputStream();

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
  }

  private synchronized void record(int b) {
    if (b == '\n') {
      lines.add(current.toString(StandardCharsets.UTF_8));
      current.reset();
    } else {
      current.write(b);
    }
  }

  /** The lines written so far. */
  synchronized List<String> lines() {
    return List.copyOf(lines);
  }

  /** Lines logged at WARN or above by a logger whose name starts with {@code loggerPrefix}. */
  List<String> warnings(String loggerPrefix) {
    List<String> found = new ArrayList<>();
    for (String line : lines()) {
      if ((line.contains(" WARN " + loggerPrefix) || line.contains(" ERROR " + loggerPrefix))) {
        found.add(line);
      }
    }
    return found;
  }

  @Override
  public void close() {
    System.err.flush();
    System.setErr(original);
  }
}
