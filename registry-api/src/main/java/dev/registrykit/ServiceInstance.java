package dev.registrykit;

import dev.registrykit.internal.InstanceIds;
import dev.registrykit.internal.Validation;

import java.net.IDN;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.TreeMap;

/**
 * One running instance of a service: the value a {@link Registry} stores under
 * {@code /services/{serviceName}/{instanceId}}.
 *
 * <p>Instances are immutable and validated on construction: a bad value is rejected with an
 * {@link IllegalArgumentException} (or {@link NullPointerException} for {@code null}) whose
 * message names the component and the value, so nothing half-valid ever reaches a registry.
 *
 * <pre>{@code
 * ServiceInstance orders = ServiceInstance.of("OrderShippingService", "i-1", "http://10.0.0.7:5000");
 * ServiceInstance tagged = ServiceInstance.builder()
 *     .withServiceName("OrderShippingService")
 *     .withInstanceId("i-2")
 *     .withAddress("http://10.0.0.8:5000")
 *     .withMetadata("zone", "eu-west-1a")
 *     .build();
 * }</pre>
 *
 * @param serviceName the logical service, 1 to 128 characters of {@code [A-Za-z0-9._-]}
 * @param instanceId  unique per process within the service, same alphabet and length; the key's last
 *                    part is the id, and a key part with other characters (etcd Go naming's {@code
 *                    127.0.0.1:50051}) has the id {@code 127.0.0.1%3A50051}: each UTF-8 byte outside the
 *                    alphabet as {@code %XX}, upper-case hex, at most 128 bytes of key in all; a
 *                    registration of such an id writes the key part it stands for
 * @param address     where the instance can be reached: an absolute URI with a host
 *                    ({@code http://10.0.0.7:5000}, {@code grpc://orders:9090}); an international host
 *                    name ({@code http://héte:5000/}, as .NET's {@code Uri} takes it) is accepted and kept
 *                    as written, Unicode and all, but {@link URI#getHost()} is null for it ({@link URI}
 *                    knows ASCII host names only): {@link java.net.IDN#toASCII(String)} of the
 *                    authority's host gives the name to connect to
 * @param metadata    extra key/value pairs, at most {@value #MAX_METADATA_ENTRIES} entries, keys in the
 *                    same alphabet as names, values at most {@value #MAX_METADATA_VALUE_LENGTH} characters;
 *                    stored sorted by key and unmodifiable
 */
public record ServiceInstance(String serviceName, String instanceId, URI address, Map<String, String> metadata) {

  /** The pattern service names, instance ids and metadata keys must match. */
  public static final String NAME_PATTERN = Validation.NAME_PATTERN;
  /** The most metadata entries an instance may carry. */
  public static final int MAX_METADATA_ENTRIES = 64;
  /** The longest metadata value, in characters. */
  public static final int MAX_METADATA_VALUE_LENGTH = 1024;
  /** The longest address, in characters. */
  public static final int MAX_ADDRESS_LENGTH = 2048;

  /** Validates every component; see the class documentation for the rules. */
  public ServiceInstance {
    serviceName = requireName("serviceName", serviceName);
    instanceId = requireInstanceId(instanceId);
    address = requireAddress(address);
    metadata = requireMetadata(metadata);
  }

  /**
   * An instance without metadata.
   *
   * @throws IllegalArgumentException if a value is invalid, naming it
   */
  public static ServiceInstance of(String serviceName, String instanceId, String address) {
    return new ServiceInstance(serviceName, instanceId, parseAddress(address), Map.of());
  }

  /** A builder for instances with metadata. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder that starts from this instance's values. */
  public Builder toBuilder() {
    Builder builder = new Builder().withServiceName(serviceName).withInstanceId(instanceId).withAddress(address);
    metadata.forEach(builder::withMetadata);
    return builder;
  }

  /** This instance with another address (the same service and id). */
  public ServiceInstance withAddress(String newAddress) {
    return new ServiceInstance(serviceName, instanceId, parseAddress(newAddress), metadata);
  }

  /** This instance with one more (or one replaced) metadata entry. */
  public ServiceInstance withMetadata(String key, String value) {
    Map<String, String> copy = new LinkedHashMap<>(metadata);
    copy.put(key, value);
    return new ServiceInstance(serviceName, instanceId, address, copy);
  }

  private static String requireName(String component, String value) {
    if (value == null) {
      throw new NullPointerException(component + " must not be null");
    }
    if (!Validation.isName(value)) {
      throw new IllegalArgumentException(component + " must match " + NAME_PATTERN + " but was: " + quote(value));
    }
    return value;
  }

  private static String requireInstanceId(String value) {
    if (value != null && value.indexOf('%') >= 0 && !InstanceIds.isInstanceId(value)) {
      throw new IllegalArgumentException("instanceId must match " + NAME_PATTERN + ", with %XX (upper-case hex) for each "
          + "UTF-8 byte of another character of the key and at most " + InstanceIds.MAX_SEGMENT_BYTES
          + " bytes in all, but was: " + quote(value));
    }
    return value != null && value.indexOf('%') >= 0 ? value : requireName("instanceId", value);
  }

  private static URI requireAddress(URI address) {
    if (address == null) {
      throw new NullPointerException("address must not be null");
    }
    String text = address.toString();
    if (text.length() > MAX_ADDRESS_LENGTH) {
      throw new IllegalArgumentException(
          "address must be at most " + MAX_ADDRESS_LENGTH + " characters but was " + text.length() + " long");
    }
    if (!address.isAbsolute() || address.isOpaque() || (address.getHost() == null && !hasInternationalHost(address))) {
      throw new IllegalArgumentException(
          "address must be an absolute URI with a host, such as http://10.0.0.7:5000, but was: " + quote(text));
    }
    return address;
  }

  /**
   * The host to connect to: the address's host ({@code 10.0.0.7}, {@code orders.example}, an IPv6
   * literal in brackets as {@link URI#getHost()} gives it, {@code [::1]}), and for an international
   * name its ASCII (IDNA) form: {@code xn--hte-bma} for {@code http://héte:5000}.
   */
  public String host() {
    String host = address.getHost();
    return host != null ? host : internationalAuthority(address).getHost();
  }

  /** The address's port, for an international host name too; empty if the address has none. */
  public OptionalInt port() {
    int port = address.getHost() != null ? address.getPort() : internationalAuthority(address).getPort();
    return port < 0 ? OptionalInt.empty() : OptionalInt.of(port);
  }

  private static boolean hasInternationalHost(URI address) {
    return internationalAuthority(address) != null;
  }

  /**
   * {@code http://{ASCII host}[:port]} when {@code address}'s authority is a host name with non-ASCII
   * letters ({@code http://héte:5000/}) that IDNA turns into an ASCII host name, as .NET's {@code
   * Uri} accepts it; else null. {@link URI} takes only ASCII host names: for such an authority its
   * {@link URI#getHost()} is null.
   */
  private static URI internationalAuthority(URI address) {
    String authority = address.getRawAuthority();
    if (authority == null || authority.chars().allMatch(c -> c < 0x80)) {
      return null;
    }
    String hostAndPort = authority.substring(authority.lastIndexOf('@') + 1);
    int colon = hostAndPort.lastIndexOf(':');
    String host = colon < 0 ? hostAndPort : hostAndPort.substring(0, colon);
    String port = colon < 0 ? "" : hostAndPort.substring(colon);
    try {
      String ascii = IDN.toASCII(host, IDN.USE_STD3_ASCII_RULES);
      URI asciiAuthority = ascii.isEmpty() ? null : new URI("http://" + ascii + port);
      return asciiAuthority != null && asciiAuthority.getHost() != null ? asciiAuthority : null;
    } catch (IllegalArgumentException | URISyntaxException e) {
      return null;
    }
  }

  static URI parseAddress(String address) {
    if (address == null) {
      throw new NullPointerException("address must not be null");
    }
    try {
      return new URI(address);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(
          "address must be an absolute URI with a host, such as http://10.0.0.7:5000, but was: " + quote(address)
              + " (" + e.getReason() + ")", e);
    }
  }

  private static Map<String, String> requireMetadata(Map<String, String> metadata) {
    if (metadata == null) {
      throw new NullPointerException("metadata must not be null (use Map.of() for none)");
    }
    if (metadata.size() > MAX_METADATA_ENTRIES) {
      throw new IllegalArgumentException(
          "metadata must have at most " + MAX_METADATA_ENTRIES + " entries but had: " + metadata.size());
    }
    TreeMap<String, String> copy = new TreeMap<>();
    for (Map.Entry<String, String> entry : metadata.entrySet()) {
      String key = entry.getKey();
      if (key == null) {
        throw new NullPointerException("metadata key must not be null");
      }
      if (!Validation.isName(key)) {
        throw new IllegalArgumentException("metadata key must match " + NAME_PATTERN + " but was: " + quote(key));
      }
      String value = entry.getValue();
      if (value == null) {
        throw new NullPointerException("metadata value of " + quote(key) + " must not be null");
      }
      if (value.length() > MAX_METADATA_VALUE_LENGTH) {
        throw new IllegalArgumentException("metadata value of " + quote(key) + " must be at most "
            + MAX_METADATA_VALUE_LENGTH + " characters but was " + value.length() + " long");
      }
      copy.put(key, value);
    }
    return Collections.unmodifiableMap(copy);
  }

  private static String quote(String value) {
    String shown = value.length() > 160 ? value.substring(0, 160) + "…" : value;
    return '"' + shown + '"';
  }

  /** Builds a {@link ServiceInstance}; {@link #build()} validates every value. */
  public static final class Builder {
    private String serviceName;
    private String instanceId;
    private URI address;
    private final Map<String, String> metadata = new LinkedHashMap<>();

    private Builder() {
    }

    /** The logical service name, 1 to 128 characters of {@code [A-Za-z0-9._-]}. */
    public Builder withServiceName(String serviceName) {
      this.serviceName = serviceName;
      return this;
    }

    /** The id of this instance, unique within the service. */
    public Builder withInstanceId(String instanceId) {
      this.instanceId = instanceId;
      return this;
    }

    /** Where the instance can be reached, as an absolute URI with a host. */
    public Builder withAddress(String address) {
      this.address = parseAddress(address);
      return this;
    }

    /** Where the instance can be reached, as an absolute URI with a host. */
    public Builder withAddress(URI address) {
      this.address = address;
      return this;
    }

    /** Adds (or replaces) one metadata entry. */
    public Builder withMetadata(String key, String value) {
      this.metadata.put(key, value);
      return this;
    }

    /**
     * Validates and builds the instance.
     *
     * @throws NullPointerException     if a required value was not set, naming it
     * @throws IllegalArgumentException if a value is invalid, naming it
     */
    public ServiceInstance build() {
      return new ServiceInstance(serviceName, instanceId, address, metadata);
    }
  }
}
