package dev.lambdo.fly;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;

/**
 * A machine as Fly returns it. {@code config} stays a tree: responses echo it with defaults Lambdo
 * does not model.
 *
 * @param instanceId the machine's version, a ULID
 */
public record Machine(
    String id,
    String name,
    String state,
    String region,
    String instanceId,
    String createdAt,
    String updatedAt,
    JsonNode config,
    List<MachineEvent> events) {

  public Map<String, String> metadata() {
    JsonNode metadata = config == null ? null : config.get("metadata");
    if (metadata == null || !metadata.isObject()) {
      return Map.of();
    }
    return FlyJson.MAPPER.convertValue(
        metadata,
        FlyJson.MAPPER.getTypeFactory().constructMapType(Map.class, String.class, String.class));
  }

  public boolean isGone() {
    return "destroyed".equals(state) || "destroying".equals(state);
  }
}
