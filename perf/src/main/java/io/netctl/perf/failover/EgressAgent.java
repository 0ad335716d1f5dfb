package io.netctl.perf.failover;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * netctl's side of the egress failover (a child JVM in the controller namespace on the transit switch):
 * {@code netctl egress run} itself ({@code io.netctl.cli.Main}), so its BFD sessions to the gateways cross the same
 * OVN links and namespaces that the faults break. The sandbox's NB listens on the host's loopback, which a network
 * namespace cannot reach, and netctl's OVSDB client speaks TCP/SSL only; so this JVM first relays a TCP port on the
 * namespace's own loopback to the NB's unix socket (a file, reachable from every namespace) and then runs the command
 * with {@code --nb tcp:127.0.0.1:PORT}. The relay adds one loopback hop (tens of µs) to each OVSDB message.
 *
 * <p>Args: {@code NB_UNIX_SOCKET_PATH egress run ...} (without {@code --nb}). Stops on SIGTERM like the command.
 */
public final class EgressAgent {
    private EgressAgent() {
    }

    public static void main(String[] args) throws Exception {
        Path socket = Path.of(args[0]);
        ServerSocketChannel server = ServerSocketChannel.open();
        server.bind(new InetSocketAddress("127.0.0.1", 0));
        int port = ((InetSocketAddress) server.getLocalAddress()).getPort();
        Thread acceptor = new Thread(() -> accept(server, socket), "nb-relay");
        acceptor.setDaemon(true);
        acceptor.start();
        List<String> a = new ArrayList<>(List.of(args).subList(1, args.length));
        a.add("--nb");
        a.add("tcp:127.0.0.1:" + port);
        System.exit(io.netctl.cli.Main.run(a.toArray(String[]::new)));
    }

    private static void accept(ServerSocketChannel server, Path socket) {
        while (true) {
            try {
                SocketChannel tcp = server.accept();
                tcp.setOption(StandardSocketOptions.TCP_NODELAY, true);
                SocketChannel unix = SocketChannel.open(StandardProtocolFamily.UNIX);
                unix.connect(UnixDomainSocketAddress.of(socket));
                pump(tcp, unix, "nb-relay-up");
                pump(unix, tcp, "nb-relay-down");
            } catch (IOException e) {
                System.err.println("nb relay: " + e);
                return;
            }
        }
    }

    private static void pump(SocketChannel from, SocketChannel to, String name) {
        Thread t = new Thread(() -> {
            ByteBuffer b = ByteBuffer.allocateDirect(64 * 1024);
            try {
                while (from.read(b) >= 0) {
                    b.flip();
                    while (b.hasRemaining()) {
                        to.write(b);
                    }
                    b.clear();
                }
            } catch (IOException e) {
                // one side closed: close both below
            }
            try {
                from.close();
                to.close();
            } catch (IOException e) {
                // closing
            }
        }, name);
        t.setDaemon(true);
        t.start();
    }
}
