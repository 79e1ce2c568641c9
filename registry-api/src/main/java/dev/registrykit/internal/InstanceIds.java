package dev.registrykit.internal;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Instance ids and the key segments they stand for: the one reversible mapping between the last part
 * of a key, {@code {namespace}/{service}/{segment}}, and {@code ServiceInstance.instanceId()}.
 *
 * <p>A segment in the name alphabet {@code [A-Za-z0-9._-]} is its own id ({@code i-1}, {@code e1}).
 * Any other segment, such as the {@code host:port} that etcd's Go {@code naming/endpoints} users put
 * in their keys, is percent-encoded: each UTF-8 byte of a character outside the alphabet becomes
 * {@code %XX} (upper-case hex), the others stay, so {@code 127.0.0.1:36833} is the id {@code
 * 127.0.0.1%3A36833} and {@code [::1]:50051} is {@code %5B%3A%3A1%5D%3A50051}. An id is valid when it
 * is the encoding of a segment of 1 to {@value #MAX_SEGMENT_BYTES} UTF-8 bytes (so ids without
 * escapes keep the rule {@code [A-Za-z0-9._-]{1,128}}); there is exactly one id per segment (no
 * lower-case hex, no escape of an alphabet character, no escape that is not UTF-8).
 */
public final class InstanceIds {

  /** The longest key segment an id may stand for, in UTF-8 bytes: 128, the longest plain id. */
  public static final int MAX_SEGMENT_BYTES = 128;

  private static final char[] HEX = "0123456789ABCDEF".toCharArray();

  private InstanceIds() {
  }

  /**
   * The id of the key segment {@code segment} (the key after {@code {namespace}/{service}/}).
   *
   * @throws IllegalArgumentException if it is empty or longer than {@value #MAX_SEGMENT_BYTES} UTF-8 bytes, or
   *     holds a lone surrogate (a key that was not UTF-8), naming it
   */
  public static String ofKeySegment(String segment) {
    if (Validation.isName(segment)) {
      return segment;
    }
    if (hasLoneSurrogate(segment)) {
      throw new IllegalArgumentException("the key's instance part is not UTF-8 text: " + shown(segment));
    }
    byte[] bytes = segment.getBytes(StandardCharsets.UTF_8);
    if (bytes.length == 0 || bytes.length > MAX_SEGMENT_BYTES) {
      throw new IllegalArgumentException("the key's instance part must be 1 to " + MAX_SEGMENT_BYTES
          + " UTF-8 bytes but was " + bytes.length + ": " + shown(segment));
    }
    StringBuilder id = new StringBuilder(bytes.length * 3);
    for (byte b : bytes) {
      int unsigned = b & 0xFF;
      if (isAlphabet(unsigned)) {
        id.append((char) unsigned);
      } else {
        id.append('%').append(HEX[unsigned >> 4]).append(HEX[unsigned & 0xF]);
      }
    }
    return id.toString();
  }

  /** The key segment {@code id} stands for; {@code id} must be {@link #isInstanceId valid}. */
  public static String keySegment(String id) {
    if (id.indexOf('%') < 0) {
      return id;
    }
    return new String(bytes(id), StandardCharsets.UTF_8);
  }

  /** Whether {@code id} is a valid instance id: see the class documentation. */
  public static boolean isInstanceId(String id) {
    if (id.indexOf('%') < 0) {
      return Validation.isName(id);
    }
    byte[] bytes = bytes(id);
    if (bytes == null || bytes.length == 0 || bytes.length > MAX_SEGMENT_BYTES) {
      return false;
    }
    try {
      StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes));
      return true;
    } catch (CharacterCodingException e) {
      return false;
    }
  }

  /** The bytes {@code id} encodes, or null if it is not in canonical form. */
  private static byte[] bytes(String id) {
    byte[] out = new byte[id.length()];
    int n = 0;
    for (int i = 0; i < id.length(); i++) {
      char c = id.charAt(i);
      if (c == '%') {
        if (i + 2 >= id.length()) {
          return null;
        }
        int high = hexDigit(id.charAt(i + 1));
        int low = hexDigit(id.charAt(i + 2));
        int value = high << 4 | low;
        if (high < 0 || low < 0 || isAlphabet(value)) {
          return null;
        }
        out[n++] = (byte) value;
        i += 2;
      } else if (c < 0x80 && isAlphabet(c)) {
        out[n++] = (byte) c;
      } else {
        return null;
      }
    }
    return java.util.Arrays.copyOf(out, n);
  }

  private static int hexDigit(char c) {
    if (c >= '0' && c <= '9') {
      return c - '0';
    }
    return c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
  }

  private static boolean isAlphabet(int c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_'
        || c == '-';
  }

  private static boolean hasLoneSurrogate(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        return true;
      }
    }
    return false;
  }

  private static String shown(String value) {
    return '"' + (value.length() > 160 ? value.substring(0, 160) + "…" : value) + '"';
  }
}
