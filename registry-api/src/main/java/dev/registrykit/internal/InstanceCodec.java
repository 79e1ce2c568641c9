package dev.registrykit.internal;

import dev.registrykit.ServiceInstance;
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
 *
 * <p>Values written by etcd's Go {@code naming/endpoints} ({@code {"Op":0,"Addr":"host:port",
 * "Metadata":…}}, no {@code Address}) are instances too: id and service from the key, address
 * {@code grpc://host:port}, metadata from a {@code Metadata} object's string values.
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

  /** The key of one instance under {@code namespace}. */
  public static String key(String namespace, String serviceName, String instanceId) {
    return namespace + '/' + serviceName + '/' + instanceId;
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
   * {@code naming/endpoints} readers (and its gRPC resolver) take the address from; the port is the
   * {@value #GRPC_PORT_METADATA_KEY} metadata entry when it is a port number, else the address's
   * port. An address without a port (and no such entry) gets no {@code Addr}: there is no port to
   * give.
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
    Json.writeString(out, instance.instanceId());
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
      goAddr(instance).ifPresent(addr -> Json.writeString(out.append(",\"Addr\":"), addr));
    }
    return out.append('}').toString();
  }

  /** {@code host:port} for etcd's Go naming readers; see {@link Format#WITH_GO_ADDR}. */
  static java.util.Optional<String> goAddr(ServiceInstance instance) {
    String grpcPort = instance.metadata().get(GRPC_PORT_METADATA_KEY);
    int port = grpcPort != null && grpcPort.matches("[0-9]{1,5}") && Integer.parseInt(grpcPort) <= 65535
        ? Integer.parseInt(grpcPort) : instance.address().getPort();
    return port > 0 ? java.util.Optional.of(instance.address().getHost() + ':' + port) : java.util.Optional.empty();
  }

  /**
   * An etcd Go {@code naming/endpoints} value, {@code {"Op":0,"Addr":"10.0.0.7:50051","Metadata":…}},
   * read as an instance: id and service from the key, address {@code grpc://} + {@code Addr}.
   */
  private static void readGoEndpoint(Map<String, Object> properties, String keyService, String keyId)
      throws InvalidValueException {
    if (!(properties.get("Addr") instanceof String addr) || !addr.matches("[^/?#@]+:[0-9]{1,5}")) {
      throw new InvalidValueException("\"Addr\" (etcd Go naming) must be host:port but was: " + properties.get("Addr"));
    }
    properties.putIfAbsent("Id", keyId);
    properties.putIfAbsent("Name", keyService);
    properties.put("Address", "grpc://" + addr);
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
    if (slash <= 0 || slash == rest.length() - 1 || rest.indexOf('/', slash + 1) >= 0) {
      throw new InvalidValueException("key is not of the form " + namespace + "/{serviceName}/{instanceId}");
    }
    String keyService = rest.substring(0, slash);
    String keyId = rest.substring(slash + 1);

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
      readGoEndpoint(properties, keyService, keyId);
    }
    String id = requiredString(properties, "Id");
    String name = requiredString(properties, "Name");
    String address = requiredString(properties, "Address");
    if (!name.equals(keyService)) {
      throw new InvalidValueException("Name \"" + name + "\" does not match the key's service \"" + keyService + "\"");
    }
    if (!id.equals(keyId)) {
      throw new InvalidValueException("Id \"" + id + "\" does not match the key's instance id \"" + keyId + "\"");
    }
    try {
      ServiceInstance.Builder builder =
          ServiceInstance.builder().withServiceName(name).withInstanceId(id).withAddress(address);
      Object metadata = properties.get("Metadata");
      if (metadata instanceof Map<?, ?> entries) {
        for (Map.Entry<?, ?> entry : entries.entrySet()) {
          if (entry.getValue() instanceof String text) {
            builder.withMetadata((String) entry.getKey(), text);
          }
        }
      }
      return builder.build();
    } catch (IllegalArgumentException | NullPointerException e) {
      throw new InvalidValueException(e.getMessage());
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
