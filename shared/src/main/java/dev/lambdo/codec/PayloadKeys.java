package dev.lambdo.codec;

import dev.lambdo.config.EnvReader;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/**
 * The AES-256 keys payloads are encrypted with: the current one, which encrypts, and older ones
 * kept to decrypt what they encrypted, so keys can rotate while batches run. Each is
 * {@code <id>:<base64 of 32 bytes>}; the id travels with every payload, the key never does.
 *
 * <p>{@code LAMBDO_PAYLOAD_KEY} (the current key) and {@code LAMBDO_PAYLOAD_OLD_KEYS} (comma
 * separated). Without {@code LAMBDO_PAYLOAD_KEY} payloads are not encrypted.
 */
public final class PayloadKeys {
  public static final String CURRENT = "LAMBDO_PAYLOAD_KEY";
  public static final String OLD = "LAMBDO_PAYLOAD_OLD_KEYS";
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");

  private final String currentId;
  private final Map<String, SecretKey> keys;

  PayloadKeys(String currentId, Map<String, SecretKey> keys) {
    this.currentId = Objects.requireNonNull(currentId);
    this.keys = Map.copyOf(keys);
  }

  /** The keys the environment names, null when encryption is off; problems go to {@code env}. */
  public static PayloadKeys read(EnvReader env) {
    var current = env.optional(CURRENT);
    var old = env.optional(OLD);
    if (current.isEmpty()) {
      if (old.isPresent()) {
        env.problem(OLD + " is set but " + CURRENT + " is not: old keys only decrypt beside a current one");
      }
      return null;
    }
    Map<String, SecretKey> keys = new LinkedHashMap<>();
    String currentId = parse(CURRENT, current.get(), keys, env);
    for (String entry : old.map(o -> List.of(o.split(","))).orElse(List.of())) {
      if (!entry.isBlank()) {
        parse(OLD, entry.strip(), keys, env);
      }
    }
    return currentId == null ? null : new PayloadKeys(currentId, keys);
  }

  /** Adds one {@code id:key} entry; its problems never quote the key. */
  private static String parse(String variable, String entry, Map<String, SecretKey> keys, EnvReader env) {
    int colon = entry.indexOf(':');
    String id = colon < 0 ? "" : entry.substring(0, colon);
    if (!ID.matcher(id).matches()) {
      env.problem(variable + " must be <id>:<base64 of 32 bytes>, the id of letters, digits, '.', '_' or '-'");
      return null;
    }
    byte[] key;
    try {
      key = Base64.getDecoder().decode(entry.substring(colon + 1).strip());
    } catch (IllegalArgumentException e) {
      env.problem(variable + ": the key of '" + id + "' is not base64");
      return null;
    }
    if (key.length != 32) {
      env.problem(variable + ": the key of '" + id + "' is " + key.length + " bytes; AES-256 needs 32"
          + " (make one with: openssl rand -base64 32)");
      return null;
    }
    if (keys.putIfAbsent(id, new SecretKeySpec(key, "AES")) != null) {
      env.problem(variable + ": key id '" + id + "' is given twice");
    }
    return id;
  }

  String currentId() {
    return currentId;
  }

  SecretKey current() {
    return keys.get(currentId);
  }

  SecretKey byId(String id) {
    return keys.get(id);
  }

  /** Key ids only: the keys themselves are never printed. */
  @Override
  public String toString() {
    return "PayloadKeys[current=" + currentId + ", ids=" + keys.keySet() + "]";
  }
}
