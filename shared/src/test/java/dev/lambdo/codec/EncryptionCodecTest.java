package dev.lambdo.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.lambdo.config.ConfigException;
import dev.lambdo.config.EnvReader;
import dev.lambdo.workflow.TemporalClients;
import io.temporal.api.common.v1.Payload;
import io.temporal.common.converter.DataConverter;
import io.temporal.common.converter.DefaultDataConverter;
import io.temporal.payload.codec.PayloadCodecException;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EncryptionCodecTest {
  private static final String BODY = "{\"card\":\"4111 1111 1111 1111\"}";

  private static String key(int seed) {
    byte[] bytes = new byte[32];
    java.util.Arrays.fill(bytes, (byte) seed);
    return Base64.getEncoder().encodeToString(bytes);
  }

  private static PayloadKeys keys(String current, String old) {
    Map<String, String> env = new HashMap<>();
    env.put(PayloadKeys.CURRENT, current);
    if (old != null) {
      env.put(PayloadKeys.OLD, old);
    }
    EnvReader reader = new EnvReader(env);
    PayloadKeys keys = PayloadKeys.read(reader);
    reader.check();
    return keys;
  }

  @Test
  void aPayloadIsOpaqueToTemporalAndReadsBackWithItsKey() {
    DataConverter converter = TemporalClients.dataConverter(keys("k1:" + key(1), null));
    Payload stored = converter.toPayload(BODY).orElseThrow();

    assertFalse(stored.toByteString().toStringUtf8().contains("4111"), "no plain text in what Temporal stores");
    assertEquals("k1", stored.getMetadataOrThrow(EncryptionCodec.KEY_ID).toStringUtf8());
    assertEquals(BODY, converter.fromPayload(stored, String.class, String.class));
  }

  @Test
  void keysRotate() {
    Payload old = TemporalClients.dataConverter(keys("k1:" + key(1), null)).toPayload(BODY).orElseThrow();
    DataConverter rotated = TemporalClients.dataConverter(keys("k2:" + key(2), "k1:" + key(1)));

    assertEquals(BODY, rotated.fromPayload(old, String.class, String.class), "an old key still decrypts");
    assertEquals("k2", rotated.toPayload(BODY).orElseThrow().getMetadataOrThrow(EncryptionCodec.KEY_ID).toStringUtf8());
    PayloadCodecException e = assertThrows(PayloadCodecException.class,
        () -> new EncryptionCodec(keys("k3:" + key(3), null)).decode(List.of(old)));
    assertTrue(e.getMessage().contains("'k1'"), e.getMessage());
  }

  @Test
  void tamperingIsDetectedAndPlainPayloadsPassThrough() {
    EncryptionCodec codec = new EncryptionCodec(keys("k1:" + key(1), null));
    Payload plain = DefaultDataConverter.newDefaultInstance().toPayload(BODY).orElseThrow();
    Payload sealed = codec.encode(List.of(plain)).getFirst();
    byte[] data = sealed.getData().toByteArray();
    data[data.length - 1] ^= 1;

    assertThrows(PayloadCodecException.class,
        () -> codec.decode(List.of(sealed.toBuilder().setData(ByteString.copyFrom(data)).build())));
    assertEquals(plain, codec.decode(List.of(plain)).getFirst(), "histories from before encryption still read");
  }

  @Test
  void badKeysAreStartupErrorsThatNeverQuoteTheKey() {
    String secretLooking = "k1:" + Base64.getEncoder().encodeToString("sixteen byte key".getBytes());
    ConfigException e = assertThrows(ConfigException.class, () -> keys(secretLooking, "bad key!,k9:%%%"));
    assertEquals(3, e.problems().size(), e.getMessage());
    assertTrue(e.getMessage().contains("is 16 bytes; AES-256 needs 32"), e.getMessage());
    assertFalse(e.getMessage().contains(secretLooking.substring(3)), "the key is never printed");
    assertNull(PayloadKeys.read(new EnvReader(Map.of())), "no key: payloads stay plain");
  }
}
