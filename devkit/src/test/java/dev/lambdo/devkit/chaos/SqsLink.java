package dev.lambdo.devkit.chaos;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The network between the apps and SQS, which the suite can cut: a TCP relay to the SQS process.
 * While it is down, connections are refused and those open are reset, as when SQS is out of
 * reach; the queues themselves keep every message and its state, as SQS does through an outage.
 */
final class SqsLink implements AutoCloseable {
  private final int target;
  private final int port;
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private volatile ServerSocket server;

  /** @param target the SQS process's port on loopback */
  SqsLink(int target) throws IOException {
    this.target = target;
    server = listen(0);
    port = server.getLocalPort();
    serve(server);
  }

  /** Where the apps reach SQS. */
  String endpoint() {
    return "http://localhost:" + port;
  }

  synchronized void down() throws IOException {
    server.close();
    for (Socket socket : open) {
      try {
        // Linger 0: a reset, not an orderly close the client could take for an answer.
        socket.setSoLinger(true, 0);
        socket.close();
      } catch (IOException closedMeanwhile) {
        // Its relay closed it first: it is down all the same.
      }
    }
    open.clear();
  }

  synchronized void up() throws IOException {
    if (server.isClosed()) {
      server = listen(port);
      serve(server);
    }
  }

  private static ServerSocket listen(int port) throws IOException {
    ServerSocket socket = new ServerSocket();
    socket.setReuseAddress(true);
    socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
    return socket;
  }

  private void serve(ServerSocket listening) {
    Thread.ofVirtual().start(() -> {
      while (!listening.isClosed()) {
        try {
          Socket client = listening.accept();
          Socket sqs = new Socket(InetAddress.getLoopbackAddress(), target);
          open.add(client);
          open.add(sqs);
          relay(client, sqs);
          relay(sqs, client);
        } catch (IOException closed) {
          // down() closed the listener, or the SQS process is gone: the client sees a refusal.
        }
      }
    });
  }

  private void relay(Socket from, Socket to) {
    Thread.ofVirtual().start(() -> {
      try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
        in.transferTo(out);
      } catch (IOException reset) {
        // One side went away; closing both ends tells the other.
      } finally {
        closeQuietly(from);
        closeQuietly(to);
      }
    });
  }

  private void closeQuietly(Socket socket) {
    open.remove(socket);
    try {
      socket.close();
    } catch (IOException ignored) {
      // Closing is all that was wanted.
    }
  }

  @Override
  public void close() throws IOException {
    down();
  }
}
