package io.tidefall.sample;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP proxy on the loopback interface, between the application and its database, that a test
 * can cut (the listening socket closes and every open connection is closed: new connections are
 * refused, those in use fail) and restore (it listens on the same port again). It stands for a
 * database that goes away and comes back, without stopping a database other tests share.
 *
 * <p>Threads: one accepting thread while it listens, two pumping threads per connection; all
 * daemons. {@link #cut()} and {@link #restore()} are called by the test thread; the set of open
 * sockets is concurrent, and a connection accepted while {@link #cut()} runs is closed by it or
 * by the accepting thread, which checks {@link #listening} after adding it.
 */
final class TcpProxy implements AutoCloseable {

    private final InetSocketAddress target;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private volatile ServerSocket server;
    private volatile boolean listening;
    private int port;

    TcpProxy(String targetHost, int targetPort) throws IOException {
        this.target = new InetSocketAddress(targetHost, targetPort);
        listen(0);
    }

    int port() {
        return this.port;
    }

    /** Refuses new connections and closes every open one. */
    synchronized void cut() {
        this.listening = false;
        closeQuietly(this.server);
        for (Socket socket : this.open) {
            closeQuietly(socket);
        }
        this.open.clear();
    }

    /** Listens again, on the same port. */
    synchronized void restore() throws IOException {
        if (!this.listening) {
            listen(this.port);
        }
    }

    @Override
    public void close() {
        cut();
    }

    private void listen(int requestedPort) throws IOException {
        ServerSocket socket = new ServerSocket();
        socket.setReuseAddress(true);
        socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), requestedPort));
        this.server = socket;
        this.port = socket.getLocalPort();
        this.listening = true;
        Thread acceptor = new Thread(() -> accept(socket), "tcp-proxy-accept-" + this.port);
        acceptor.setDaemon(true);
        acceptor.start();
    }

    private void accept(ServerSocket socket) {
        while (!socket.isClosed()) {
            Socket client;
            try {
                client = socket.accept();
            } catch (IOException closed) {
                return;
            }
            Socket upstream = new Socket();
            try {
                upstream.connect(this.target, 5_000);
            } catch (IOException unreachable) {
                closeQuietly(client);
                closeQuietly(upstream);
                continue;
            }
            this.open.add(client);
            this.open.add(upstream);
            if (!this.listening) { // cut while this connection was being made
                closeQuietly(client);
                closeQuietly(upstream);
                continue;
            }
            pump(client, upstream);
            pump(upstream, client);
        }
    }

    private void pump(Socket from, Socket to) {
        Thread pump = new Thread(() -> {
            byte[] buffer = new byte[16 * 1024];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int read;
                while ((read = in.read(buffer)) >= 0) {
                    out.write(buffer, 0, read);
                    out.flush();
                }
            } catch (SocketException closed) {
                // cut, or the other side closed
            } catch (IOException failed) {
                // same
            } finally {
                closeQuietly(from);
                closeQuietly(to);
                this.open.remove(from);
                this.open.remove(to);
            }
        }, "tcp-proxy-pump");
        pump.setDaemon(true);
        pump.start();
    }

    private static void closeQuietly(AutoCloseable closeable) {
        if (closeable == null) {
            return;
        }
        try {
            closeable.close();
        } catch (Exception ignored) {
            // closing is all we want
        }
    }
}
