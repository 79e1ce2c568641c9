package dev.registrykit;

import java.util.Objects;

/**
 * An entry under the registry's namespace whose value is not an instance (not JSON, or missing
 * {@code Id}, {@code Name} or {@code Address}, or with values that break {@link ServiceInstance}'s
 * rules). Listings skip it and report it to the registry's {@link InvalidEntryListener}.
 *
 * @param key    the full key, e.g. {@code /services/orders/i-1}
 * @param value  the raw value as UTF-8 text (possibly shortened for very large values)
 * @param reason why it is not an instance
 */
public record InvalidEntry(String key, String value, String reason) {
  /** Validates that no component is null. */
  public InvalidEntry {
    Objects.requireNonNull(key, "key must not be null");
    Objects.requireNonNull(value, "value must not be null");
    Objects.requireNonNull(reason, "reason must not be null");
  }
}
