package dev.lambdo.devkit.emulator;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A machine's lease (docs/fly-machines-api.md §3, "Leases"): whoever holds the nonce may change
 * the machine until {@code expiresAt} (unix seconds); everyone else gets 409.
 */
record MachineLease(String nonce, long expiresAt, String owner, String description, String version) {
  /** Who the emulator says holds a lease: Fly names the token's user. */
  static final String OWNER = "emulator@lambdo.dev";

  boolean expired(long nowSeconds) {
    return nowSeconds >= expiresAt;
  }

  /**
   * A refused lease, in the shape of Fly's docs ({@code _lease_resp.erb}); also used for a change
   * refused because someone else holds the lease, whose body no source shows (UNCONFIRMED).
   */
  static ObjectNode error(String message) {
    return JsonHttp.JSON.createObjectNode().put("status", "error").put("message", message).put("code", "invalid");
  }

  /** Fly's wrapper: {@code {"status":"success","data":{nonce, expires_at, owner, description, version}}}. */
  ObjectNode toJson() {
    ObjectNode answer = JsonHttp.JSON.createObjectNode().put("status", "success");
    answer.putObject("data").put("nonce", nonce).put("expires_at", expiresAt).put("owner", owner)
        .put("description", description).put("version", version);
    return answer;
  }
}
