package dev.lambdo.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.util.JsonFormat;
import dev.lambdo.config.EnvReader;
import dev.lambdo.config.Secret;
import io.temporal.api.common.v1.Payloads;
import io.temporal.common.converter.DefaultDataConverter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The remote codec the Web UI and the temporal CLI call to show encrypted payloads. */
class CodecServerTest {
  private static final String UI = "http://localhost:8233";
  private final HttpClient http = HttpClient.newHttpClient();
  private EncryptionCodec codec;
  private CodecServer server;

  @BeforeEach
  void start() throws Exception {
    codec = new EncryptionCodec(PayloadKeys.read(new EnvReader(Map.of(PayloadKeys.CURRENT,
        "k1:" + Base64.getEncoder().encodeToString(new byte[32])))));
    server = new CodecServer(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), codec,
        new Secret("s3cret"), Set.of(UI));
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private HttpResponse<String> call(String method, String path, String body, String... headers) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    for (int i = 0; i < headers.length; i += 2) {
      request.header(headers[i], headers[i + 1]);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private String encrypted(String text) throws Exception {
    var plain = DefaultDataConverter.newDefaultInstance().toPayload(text).orElseThrow();
    return JsonFormat.printer().print(Payloads.newBuilder().addAllPayloads(codec.encode(List.of(plain))).build());
  }

  @Test
  void decodesForTheHolderOfTheToken() throws Exception {
    HttpResponse<String> answer = call("POST", "/decode", encrypted("{\"card\":\"4111\"}"),
        "Authorization", "Bearer s3cret", "Content-Type", "application/json", "Origin", UI);

    assertEquals(200, answer.statusCode(), answer.body());
    Payloads.Builder decoded = Payloads.newBuilder();
    JsonFormat.parser().merge(answer.body(), decoded);
    assertEquals("\"{\\\"card\\\":\\\"4111\\\"}\"", decoded.getPayloads(0).getData().toStringUtf8());
    assertEquals(UI, answer.headers().firstValue("Access-Control-Allow-Origin").orElseThrow());
  }

  @Test
  void refusesWithoutTheTokenOrFromAnotherOrigin() throws Exception {
    String body = encrypted("secret");
    assertEquals(401, call("POST", "/decode", body).statusCode());
    assertEquals(401, call("POST", "/decode", body, "Authorization", "Bearer wrong").statusCode());
    assertEquals(403, call("POST", "/decode", body, "Authorization", "Bearer s3cret", "Origin", "http://evil.example")
        .statusCode());
    assertEquals(405, call("GET", "/decode", null, "Authorization", "Bearer s3cret").statusCode());
    assertEquals(400, call("POST", "/decode", "not json", "Authorization", "Bearer s3cret").statusCode());
  }

  /**
   * The Web UI sends no bearer token of ours, only cookies: a person signs in once on the codec
   * server's page and the browser's calls from the UI then carry the session cookie.
   */
  @Test
  void signingInWithTheTokenGivesTheBrowserACookieThatDecodes() throws Exception {
    HttpResponse<String> signIn = call("POST", "/login", "token=s3cret",
        "Content-Type", "application/x-www-form-urlencoded");

    assertEquals(303, signIn.statusCode(), signIn.body());
    String setCookie = signIn.headers().firstValue("Set-Cookie").orElseThrow();
    for (String attribute : List.of("HttpOnly", "Secure", "SameSite=Strict", "Path=/", "Max-Age=43200")) {
      assertTrue(setCookie.contains(attribute), attribute + " in " + setCookie);
    }
    assertFalse(setCookie.contains("s3cret"), setCookie);
    String cookie = setCookie.substring(0, setCookie.indexOf(';'));
    HttpResponse<String> answer = call("POST", "/decode?preserveStorageRefs=true", encrypted("{\"card\":\"4111\"}"),
        "Cookie", cookie, "Content-Type", "application/json", "Origin", UI);
    assertEquals(200, answer.statusCode(), answer.body());
    Payloads.Builder decoded = Payloads.newBuilder();
    JsonFormat.parser().merge(answer.body(), decoded);
    assertTrue(decoded.getPayloads(0).getData().toStringUtf8().contains("4111"), answer.body());

    HttpResponse<String> page = call("GET", "/login", null, "Cookie", cookie);
    assertTrue(page.body().contains("This browser is signed in"), page.body());
  }

  @Test
  void aWrongTokenOrAForgedCookieGetsNothing() throws Exception {
    HttpResponse<String> signIn = call("POST", "/login", "token=wrong", "Content-Type", "application/x-www-form-urlencoded");
    assertEquals(401, signIn.statusCode());
    assertTrue(signIn.headers().firstValue("Set-Cookie").isEmpty());
    assertTrue(signIn.body().contains("That is not the token"), signIn.body());

    String forged = "lambdo-codec=" + (System.currentTimeMillis() / 1000 + 3600) + ".AAAA";
    assertEquals(401, call("POST", "/decode", encrypted("secret"), "Cookie", forged).statusCode());
    HttpResponse<String> page = call("GET", "/login", null, "Cookie", forged);
    assertEquals(200, page.statusCode());
    assertTrue(page.body().contains("<form"), page.body());
  }

  private String signedInCookie() throws Exception {
    String setCookie = call("POST", "/login", "token=s3cret", "Content-Type", "application/x-www-form-urlencoded")
        .headers().firstValue("Set-Cookie").orElseThrow();
    return setCookie.substring(0, setCookie.indexOf(';'));
  }

  /** A Web UI with a login of its own sends its access token as a bearer, beside our cookie. */
  @Test
  void anotherBearerDoesNotHideTheCookieAndAnyLiveCookieWillDo() throws Exception {
    String cookie = signedInCookie();
    assertEquals(200, call("POST", "/decode", encrypted("x"), "Cookie", cookie,
        "Authorization", "Bearer the-ui-login-token").statusCode());
    assertEquals(200, call("POST", "/decode", encrypted("x"),
        "Cookie", "lambdo-codec=1.stale; other=1; " + cookie).statusCode());
    assertEquals(401, call("POST", "/encode", encrypted("x"), "Cookie", "lambdo-codec=1.stale",
        "Authorization", "Bearer the-ui-login-token").statusCode());
  }

  @Test
  void signInTakesFormsFromItsOwnPageOnlyAndCannotBeFramed() throws Exception {
    HttpResponse<String> elsewhere = call("POST", "/login", "token=s3cret",
        "Content-Type", "application/x-www-form-urlencoded", "Sec-Fetch-Site", "cross-site");
    assertEquals(403, elsewhere.statusCode());
    assertTrue(elsewhere.headers().firstValue("Set-Cookie").isEmpty());
    assertEquals(403, call("POST", "/logout", "", "Sec-Fetch-Site", "same-site").statusCode());
    assertEquals(303, call("POST", "/login", "token=s3cret",
        "Content-Type", "application/x-www-form-urlencoded", "Sec-Fetch-Site", "same-origin").statusCode());

    HttpResponse<String> page = call("GET", "/login", null, "Sec-Fetch-Site", "cross-site");
    assertEquals(200, page.statusCode());
    assertEquals("DENY", page.headers().firstValue("X-Frame-Options").orElseThrow());
  }

  @Test
  void aMalformedOrOversizedFormIsRefusedWithAnAnswer() throws Exception {
    assertEquals(400, call("POST", "/login", "token=%zz", "Content-Type", "application/x-www-form-urlencoded")
        .statusCode());
    assertEquals(413, call("POST", "/login", "token=" + "a".repeat(SignInHandler.MAX_FORM_BYTES),
        "Content-Type", "application/x-www-form-urlencoded").statusCode());
  }

  /** The JDK's server matches a context by prefix; only the paths themselves answer. */
  @Test
  void onlyItsOwnPathsAnswer() throws Exception {
    assertEquals(404, call("GET", "/loginx", null).statusCode());
    assertEquals(404, call("POST", "/login/logout", "").statusCode());
    assertEquals(404, call("POST", "/decodeXYZ", encrypted("x"), "Authorization", "Bearer s3cret").statusCode());
  }

  @Test
  void signingOutEndsTheCookie() throws Exception {
    HttpResponse<String> signOut = call("POST", "/logout", "");
    assertEquals(303, signOut.statusCode());
    String setCookie = signOut.headers().firstValue("Set-Cookie").orElseThrow();
    assertTrue(setCookie.startsWith("lambdo-codec=;") && setCookie.contains("Max-Age=0"), setCookie);
  }

  @Test
  void answersTheBrowsersPreflight() throws Exception {
    HttpResponse<String> preflight = call("OPTIONS", "/decode", null, "Origin", UI,
        "Access-Control-Request-Method", "POST");
    assertEquals(204, preflight.statusCode());
    assertTrue(preflight.headers().firstValue("Access-Control-Allow-Headers").orElseThrow().contains("Authorization"));
  }
}
