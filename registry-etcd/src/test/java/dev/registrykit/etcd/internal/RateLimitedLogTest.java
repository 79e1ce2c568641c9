package dev.registrykit.etcd.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RateLimitedLogTest {

  @Test
  void fillsEachPlaceholderWithTheNextArgumentInOrder() {
    assertThat(RateLimitedLog.message("could not register {} again (attempt {}), next try in {}: {}",
        "/services/orders/i-1", 3, Duration.ofMillis(800), "UNAVAILABLE"))
        .isEqualTo("could not register /services/orders/i-1 again (attempt 3), next try in PT0.8S: UNAVAILABLE");
  }

  @Test
  void leavesPlaceholdersWithoutArgumentsAndArgumentsWithoutPlaceholdersAsTheyAre() {
    assertThat(RateLimitedLog.message("watch of {}* broke ({})", "/services/orders/"))
        .isEqualTo("watch of /services/orders/* broke ({})");
    assertThat(RateLimitedLog.message("no placeholder", "ignored")).isEqualTo("no placeholder");
    assertThat(RateLimitedLog.message("a {} of 'quotes' and {braces}", 12_345L))
        .isEqualTo("a 12345 of 'quotes' and {braces}");
  }
}
