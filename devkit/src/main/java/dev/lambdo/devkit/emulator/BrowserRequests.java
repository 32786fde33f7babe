package dev.lambdo.devkit.emulator;

import com.sun.net.httpserver.Headers;
import java.util.Optional;

/**
 * Tells a request a web page made from one a client program made. A page the developer visits can
 * send a form POST to any localhost port, no CORS preflight needed; browsers mark such requests with
 * an {@code Origin} header (every POST) and with Fetch Metadata ({@code Sec-Fetch-Site}, every
 * request of a current browser). The AWS CLI, the SDKs, curl and Fly clients send neither.
 */
public final class BrowserRequests {
  private BrowserRequests() {}

  /** Why the request looks like a web page's, if it does. */
  public static Optional<String> why(Headers headers) {
    String origin = headers.getFirst("Origin");
    if (origin != null) {
      return Optional.of("requests from web pages are refused (Origin: " + origin + ")");
    }
    String site = headers.getFirst("Sec-Fetch-Site");
    if (site != null) {
      return Optional.of("requests from web pages are refused (Sec-Fetch-Site: " + site + ")");
    }
    return Optional.empty();
  }
}
