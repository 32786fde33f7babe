package dev.lambdo.fly;

import dev.lambdo.config.Secret;
import java.io.IOException;
import okhttp3.Interceptor;
import okhttp3.Response;

/**
 * Adds the token to every request, so no call site ever holds it. Macaroon tokens go as {@code
 * FlyV1}, others as {@code Bearer}, as fly-go does.
 */
final class FlyAuth implements Interceptor {
  private final String header;

  FlyAuth(Secret token) {
    String value = token.reveal().strip();
    boolean macaroon =
        value.startsWith("FlyV1 ")
            || value.startsWith("fm1r_")
            || value.startsWith("fm1a_")
            || value.startsWith("fm2_");
    this.header =
        value.startsWith("FlyV1 ") || value.startsWith("Bearer ")
            ? value
            : (macaroon ? "FlyV1 " : "Bearer ") + value;
  }

  @Override
  public Response intercept(Chain chain) throws IOException {
    return chain.proceed(chain.request().newBuilder().header("Authorization", header).build());
  }
}
