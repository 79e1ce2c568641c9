package dev.registrykit.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.registrykit.examples.MigrationLog.Entry;
import org.junit.jupiter.api.Test;

/** The store that guards the migration's writes with fencing tokens. */
class MigrationLogTest {

  @Test
  void acceptsTheNextBatchFromTheSameOrANewerLeader() {
    MigrationLog log = MigrationLog.ofBatches(3);

    log.record(7, 1, "i-1");
    log.record(7, 2, "i-1");
    log.record(9, 3, "i-2");

    assertThat(log.entries()).containsExactly(new Entry(1, "i-1", 7), new Entry(2, "i-1", 7), new Entry(3, "i-2", 9));
    assertThat(log.highestToken()).isEqualTo(9);
    assertThat(log.isComplete()).isTrue();
    assertThat(log.nextBatch()).isEmpty();
  }

  @Test
  void refusesAWriteWithATokenLowerThanOneItHasSeen() {
    MigrationLog log = MigrationLog.ofBatches(3);
    log.record(7, 1, "i-1");
    log.record(9, 2, "i-2");

    assertThatThrownBy(() -> log.record(7, 3, "i-1"))
        .isInstanceOf(StaleFencingTokenException.class)
        .hasMessage("fencingToken must be at least 9, the highest this log has seen, but was: 7 (a newer leader has written since)")
        .satisfies(e -> {
          assertThat(((StaleFencingTokenException) e).fencingToken()).isEqualTo(7);
          assertThat(((StaleFencingTokenException) e).highestToken()).isEqualTo(9);
        });
    assertThat(log.entries()).as("unchanged").hasSize(2);
    assertThat(log.nextBatch()).hasValue(3);
  }

  @Test
  void refusesBadWritesNamingTheBadValue() {
    MigrationLog log = MigrationLog.ofBatches(2);
    log.record(3, 1, "i-1");

    assertThatThrownBy(() -> log.record(3, 1, "i-1")).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("batch must be 2, the next of 2, but was: 1");
    assertThatThrownBy(() -> log.record(0, 2, "i-1")).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("fencingToken must be positive but was: 0");
    assertThatThrownBy(() -> log.record(3, 2, null)).isInstanceOf(NullPointerException.class)
        .hasMessage("instanceId must not be null");
    log.record(3, 2, "i-1");
    assertThatThrownBy(() -> log.record(3, 3, "i-1")).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("batch must not be written: all 2 batches are recorded, but was: 3");
    assertThatThrownBy(() -> MigrationLog.ofBatches(0)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("batches must be at least 1 but was: 0");
    assertThat(log.entries()).hasSize(2);
  }
}
