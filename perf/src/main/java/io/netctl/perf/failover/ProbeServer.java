package io.netctl.perf.failover;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;

/**
 * The "external" destination of the probes (a child JVM in the external namespace): accepts each connection, writes
 * one byte, the last octet of the peer's address (the gateway that source-NATed the flow), and closes. Args: PORT.
 */
public final class ProbeServer {
    private ProbeServer() {
    }

    public static void main(String[] args) throws IOException {
        int port = Integer.parseInt(args[0]);
        try (ServerSocketChannel ss = ServerSocketChannel.open()) {
            ss.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            ss.bind(new InetSocketAddress(port), 4096);
            System.out.println("listening " + port);
            System.out.flush();
            ByteBuffer b = ByteBuffer.allocate(1);
            while (true) {
                try (SocketChannel c = ss.accept()) {
                    InetSocketAddress peer = (InetSocketAddress) c.getRemoteAddress();
                    byte[] a = peer.getAddress() instanceof Inet4Address v4 ? v4.getAddress() : new byte[] {0};
                    b.clear();
                    b.put(a[a.length - 1]).flip();
                    c.write(b);
                } catch (IOException e) {
                    // the client gave up; next
                }
            }
        }
    }
}
