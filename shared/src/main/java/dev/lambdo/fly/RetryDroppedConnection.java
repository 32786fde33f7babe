package dev.lambdo.fly;

import java.io.IOException;
import java.io.InterruptedIOException;
import okhttp3.Interceptor;
import okhttp3.Request;
import okhttp3.Response;

/**
 * Sends an idempotent request (GET, DELETE) once more when the connection dropped before an
 * answer: a pooled keep-alive connection the server had already closed. fly-go retries GETs on
 * connection resets the same way. Timeouts are not retried (a wait call would double), nor are
 * POSTs (the caller's idempotency covers them).
 */
final class RetryDroppedConnection implements Interceptor {
  @Override
  public Response intercept(Chain chain) throws IOException {
    Request request = chain.request();
    boolean idempotent = request.method().equals("GET") || request.method().equals("DELETE");
    try {
      return chain.proceed(request);
    } catch (InterruptedIOException timeout) {
      throw timeout;
    } catch (IOException dropped) {
      if (!idempotent || chain.call().isCanceled()) {
        throw dropped;
      }
      return chain.proceed(request);
    }
  }
}
