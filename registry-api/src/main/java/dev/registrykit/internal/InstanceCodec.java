package dev.registrykit.internal;

import dev.registrykit.ServiceInstance;
import java.net.IDN;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Comparator;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The on-etcd format shared with the origin recipe (see {@code shared/seed-format.md}): key {@code
 * {namespace}/{serviceName}/{instanceId}}, value UTF-8 JSON {@code
 * {"Id":…,"Name":…,"Address":…}} with PascalCase names, plus an optional {@code "Metadata"} object
 * of string values that older readers ignore.
 *
 * <p>Reading is lenient where the contract says so (property names in any letter case, unknown
 * properties ignored, one leading UTF-8 byte order mark skipped) and strict elsewhere: a value that is not JSON, lacks Id/Name/Address, does
 * not make a valid {@link ServiceInstance}, or names another instance than its key is invalid.
 * {@code Metadata} never makes a value invalid: an object's entries with a valid key and a string
 * value are the metadata (the first {@value ServiceInstance#MAX_METADATA_ENTRIES} of them), anything
 * else in it, or a {@code Metadata} of another JSON type, is not read.
 *
 * <p>The key's part after {@code {namespace}/{serviceName}/} is the instance's key segment, and the id
 * is derived from it by {@link InstanceIds} ({@code 127.0.0.1:50051} is {@code 127.0.0.1%3A50051});
 * a value's {@code Id}, when it has one, must be that segment.
 *
 * <p>Values written by etcd's Go {@code naming/endpoints} ({@code {"Op":0,"Addr":"host:port",
 * "Metadata":…}}, no {@code Address}) are instances too: id and service from the key, address
 * {@code grpc://} + {@code Addr}. {@code Addr} is {@code host:port}, {@code [ipv6]:port}, or a host
 * without a port ({@code 1.2.3.4}, the form of etcd's gRPC naming guide), whose address then has no
 * port (registry-grpc dials the channel's default port); the port must be 1 to 65535, an IPv6 literal
 * may carry a zone ({@code [fe80::1%eth0]:50051}), an international host name is taken in its ASCII
 * form.
 */
public final class InstanceCodec {

  /** Thrown by {@link #decode} with the reason the value is not an instance. */
  public static final class InvalidValueException extends Exception {
    private static final long serialVersionUID = 1L;

    InvalidValueException(String reason) {
      super(reason);
    }
  }

  /**
   * The order of {@code Registry.allInstances()}: by service name, then instance id, as strings.
   * Not etcd's key order: a service whose name extends another's with {@code -} or {@code .} (both
   * sort before {@code /}) has its keys first, {@code orders-v2/x} before {@code orders/i-1}, so
   * listings of several services are sorted with this after reading.
   */
  public static final Comparator<ServiceInstance> LISTING_ORDER =
      Comparator.comparing(ServiceInstance::serviceName).thenComparing(ServiceInstance::instanceId);

  private static final String BYTE_ORDER_MARK = "\uFEFF";

  private InstanceCodec() {
  }

  /** The key of {@code instance} under {@code namespace}. */
  public static String key(String namespace, ServiceInstance instance) {
    return key(namespace, instance.serviceName(), instance.instanceId());
  }

  /** The key of one instance under {@code namespace}: its id's key segment ({@link InstanceIds}). */
  public static String key(String namespace, String serviceName, String instanceId) {
    return namespace + '/' + serviceName + '/' + InstanceIds.keySegment(instanceId);
  }

  /** The prefix of every key of one service, with the trailing slash. */
  public static String servicePrefix(String namespace, String serviceName) {
    return namespace + '/' + serviceName + '/';
  }

  /** The prefix of every key of the registry, with the trailing slash. */
  public static String namespacePrefix(String namespace) {
    return namespace + '/';
  }

  /**
   * What a registry writes as a value. {@link #ORIGIN}: the origin's properties (and {@code
   * Metadata}). {@link #WITH_GO_ADDR}: the same plus {@code "Addr":"host:port"}, the property etcd's Go
   * {@code naming/endpoints} readers (and its gRPC resolver) take the address from: the host in its
   * ASCII form ({@code xn--hte-bma} for {@code héte}; an IPv6 literal in brackets), the port the
   * {@value #GRPC_PORT_METADATA_KEY} metadata entry when it has one, else the address's port. An
   * instance with neither (or with a port that is not 1 to 65535) cannot be written in this format:
   * {@link #requireWritable} says why, and registries call it before they write anything.
   */
  public enum Format {
    /** The origin's value. */
    ORIGIN,
    /** The origin's value plus etcd Go naming's {@code Addr}. */
    WITH_GO_ADDR
  }

  /** The metadata entry that names a separate gRPC port (registry-grpc reads the same key). */
  static final String GRPC_PORT_METADATA_KEY = "grpc.port";

  /** The value the origin writes, plus {@code Metadata} when there is any. */
  public static String encode(ServiceInstance instance) {
    return encode(instance, Format.ORIGIN);
  }

  /** The value of {@code instance} in {@code format}; see {@link Format}. */
  public static String encode(ServiceInstance instance, Format format) {
    StringBuilder out = new StringBuilder(96);
    out.append("{\"Id\":");
    Json.writeString(out, InstanceIds.keySegment(instance.instanceId()));
    out.append(",\"Name\":");
    Json.writeString(out, instance.serviceName());
    out.append(",\"Address\":");
    Json.writeString(out, instance.address().toString());
    if (!instance.metadata().isEmpty()) {
      out.append(",\"Metadata\":{");
      boolean first = true;
      for (Map.Entry<String, String> entry : instance.metadata().entrySet()) {
        if (!first) {
          out.append(',');
        }
        first = false;
        Json.writeString(out, entry.getKey());
        out.append(':');
        Json.writeString(out, entry.getValue());
      }
      out.append('}');
    }
    if (format == Format.WITH_GO_ADDR) {
      Json.writeString(out.append(",\"Addr\":"), goAddr(instance));
    }
    return out.append('}').toString();
  }

  /**
   * Checks that {@code instance} can be written in {@code format}, before anything is written.
   *
   * @throws IllegalArgumentException if it cannot, with the reason and the fix
   */
  public static void requireWritable(ServiceInstance instance, Format format) {
    if (format == Format.WITH_GO_ADDR) {
      goAddr(instance);
    }
  }

  /** {@code host:port} for etcd's Go naming readers; see {@link Format#WITH_GO_ADDR}. */
  static String goAddr(ServiceInstance instance) {
    String grpcPort = instance.metadata().get(GRPC_PORT_METADATA_KEY);
    int port;
    String from;
    if (grpcPort != null) {
      port = grpcPort.matches("[0-9]{1,5}") ? Integer.parseInt(grpcPort) : -1;
      from = "its " + GRPC_PORT_METADATA_KEY + " metadata entry \"" + grpcPort + "\"";
    } else {
      port = instance.port().orElse(-1);
      from = instance.port().isPresent() ? "its address's port " + port : "no port (neither its address "
          + instance.address() + " nor a " + GRPC_PORT_METADATA_KEY + " metadata entry has one)";
    }
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("withGoNamingAddr() writes \"Addr\":\"host:port\" for etcd's Go naming, "
          + "but instance " + instance.serviceName() + "/" + instance.instanceId() + " has " + from
          + ": give it a " + GRPC_PORT_METADATA_KEY + " metadata entry of 1-65535 (its gRPC port) or an address "
          + "with a port");
    }
    return instance.host() + ':' + port;
  }

  /**
   * An etcd Go {@code naming/endpoints} value, {@code {"Op":0,"Addr":"10.0.0.7:50051","Metadata":…}},
   * read as an instance: id and service from the key, address {@code grpc://} + {@code Addr}; see the
   * class documentation for the forms of {@code Addr}.
   */
  private static void readGoEndpoint(Map<String, Object> properties, String keyService, String keySegment)
      throws InvalidValueException {
    properties.putIfAbsent("Id", keySegment);
    properties.putIfAbsent("Name", keyService);
    properties.put("Address", "grpc://" + goAddrAuthority(properties.get("Addr")));
  }

  /** {@code Addr} as a URI authority: ASCII host (an IPv6 literal in brackets), and the port if it has one. */
  private static String goAddrAuthority(Object value) throws InvalidValueException {
    if (!(value instanceof String addr) || addr.isEmpty() || addr.length() > ServiceInstance.MAX_ADDRESS_LENGTH) {
      throw badAddr(value);
    }
    String host = addr;
    String port = null;
    if (addr.startsWith("[")) {
      int close = addr.indexOf(']');
      String after = close < 0 ? "" : addr.substring(close + 1);
      if (close < 0 || !(after.isEmpty() || after.startsWith(":"))) {
        throw badAddr(value);
      }
      host = addr.substring(0, close + 1);
      port = after.isEmpty() ? null : after.substring(1);
    } else if (addr.indexOf(':') != addr.lastIndexOf(':')) {
      host = '[' + addr + ']'; // an IPv6 literal without a port
    } else if (addr.indexOf(':') >= 0) {
      host = addr.substring(0, addr.indexOf(':'));
      port = addr.substring(addr.indexOf(':') + 1);
    }
    if (port != null && (!port.matches("[0-9]{1,5}") || Integer.parseInt(port) < 1 || Integer.parseInt(port) > 65535)) {
      throw badAddr(value);
    }
    try {
      String asciiHost = host.startsWith("[") ? host : IDN.toASCII(host, IDN.USE_STD3_ASCII_RULES);
      String authority = port == null ? asciiHost : asciiHost + ':' + port;
      if (asciiHost.isEmpty() || new URI("grpc://" + authority).getHost() == null) {
        throw badAddr(value);
      }
      return authority;
    } catch (IllegalArgumentException | URISyntaxException e) {
      throw badAddr(value);
    }
  }

  private static InvalidValueException badAddr(Object addr) {
    String shown = String.valueOf(addr);
    return new InvalidValueException("\"Addr\" (etcd Go naming) must be host:port, [ipv6]:port or a host alone, "
        + "with a port of 1-65535, but was: " + (shown.length() > 160 ? shown.substring(0, 160) + "…" : shown));
  }

  /**
   * Reads the value stored under {@code key} in {@code namespace}.
   *
   * @throws InvalidValueException if it is not an instance, with the reason
   */
  public static ServiceInstance decode(String namespace, String key, String value) throws InvalidValueException {
    String prefix = namespacePrefix(namespace);
    if (!key.startsWith(prefix)) {
      throw new InvalidValueException("key is not under the namespace " + namespace);
    }
    String rest = key.substring(prefix.length());
    int slash = rest.indexOf('/');
    if (slash <= 0 || slash == rest.length() - 1) {
      throw new InvalidValueException("key is not of the form " + namespace + "/{serviceName}/{instanceId}");
    }
    String keyService = rest.substring(0, slash);
    String keySegment = rest.substring(slash + 1);
    String keyId;
    try {
      keyId = InstanceIds.ofKeySegment(keySegment);
    } catch (IllegalArgumentException e) {
      throw new InvalidValueException(e.getMessage());
    }

    Object parsed;
    try {
      // a .NET writer with Encoding.UTF8 puts its byte order mark first; one is skipped, as .NET's readers do
      parsed = Json.parse(value.startsWith(BYTE_ORDER_MARK) ? value.substring(1) : value);
    } catch (Json.JsonException e) {
      throw new InvalidValueException(e.getMessage());
    }
    if (!(parsed instanceof Map<?, ?> object)) {
      throw new InvalidValueException("value is not a JSON object");
    }
    Map<String, Object> properties = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    for (Map.Entry<?, ?> entry : object.entrySet()) {
      properties.putIfAbsent((String) entry.getKey(), entry.getValue());
    }
    if (properties.get("Address") == null && properties.containsKey("Addr")) {
      readGoEndpoint(properties, keyService, keySegment);
    }
    String id = requiredString(properties, "Id");
    String name = requiredString(properties, "Name");
    String address = requiredString(properties, "Address");
    if (!name.equals(keyService)) {
      throw new InvalidValueException("Name \"" + name + "\" does not match the key's service \"" + keyService + "\"");
    }
    if (!id.equals(keySegment)) {
      throw new InvalidValueException("Id \"" + id + "\" does not match the key's instance id \"" + keySegment + "\"");
    }
    try {
      ServiceInstance.Builder builder =
          ServiceInstance.builder().withServiceName(name).withInstanceId(keyId).withAddress(address);
      readMetadata(properties.get("Metadata"), builder);
      return builder.build();
    } catch (IllegalArgumentException | NullPointerException e) {
      throw new InvalidValueException(e.getMessage());
    }
  }

  /** The readable part of a {@code Metadata} property of any JSON type; see the class documentation. */
  private static void readMetadata(Object metadata, ServiceInstance.Builder builder) {
    if (!(metadata instanceof Map<?, ?> entries)) {
      return;
    }
    int taken = 0;
    for (Map.Entry<?, ?> entry : entries.entrySet()) {
      if (taken < ServiceInstance.MAX_METADATA_ENTRIES && entry.getValue() instanceof String text
          && text.length() <= ServiceInstance.MAX_METADATA_VALUE_LENGTH && Validation.isName((String) entry.getKey())) {
        builder.withMetadata((String) entry.getKey(), text);
        taken++;
      }
    }
  }

  private static String requiredString(Map<String, Object> properties, String name) throws InvalidValueException {
    Object value = properties.get(name);
    if (value == null) {
      throw new InvalidValueException("value lacks \"" + name + "\"");
    }
    if (!(value instanceof String text)) {
      throw new InvalidValueException("\"" + name + "\" is not a string but: " + value.toString().toLowerCase(Locale.ROOT));
    }
    return text;
  }
}
