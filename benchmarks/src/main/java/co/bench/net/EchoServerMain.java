package co.bench.net;

import co.api.Co;
import co.api.Sock;
import co.api.Transport;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import java.io.IOException;
import java.io.PrintStream;
import java.io.FileOutputStream;
import java.io.FileDescriptor;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;

/**
 * One echo server of the network benchmark, in its own process (the harness pins it to one core).
 * Kinds: {@code co-affine}, {@code co-virtual} (one co coroutine per connection, {@link Sock}),
 * {@code vthreads} (one JDK virtual thread per connection, blocking {@link SocketChannel}),
 * {@code netty} (Netty 4.2, one NIO event loop), and {@code co-epoll}, {@code co-uring} (as
 * {@code co-affine}, over {@code Co.transport("epoll")} / {@code Co.transport("uring")} of module
 * co.net.linux). Prints {@code ready PORT} on standard output, the harness's control pipe, then
 * serves until killed; a transport that is not available makes it print
 * {@code unavailable REASON} instead and exit.
 */
public final class EchoServerMain {

    private static final int BUFFER = 16 * 1024;

    private EchoServerMain() {
    }

    /**
     * Runs a server.
     *
     * @param args kind
     * @throws Exception on failure
     */
    public static void main(String[] args) throws Exception {
        PrintStream control = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
        if (args[0].equals("co-epoll") || args[0].equals("co-uring")) {
            String name = args[0].substring(3);
            Transport transport;
            try {
                transport = Co.transport(name);
            } catch (RuntimeException e) {
                control.println("unavailable " + e.getMessage());
                System.exit(3);
                return;
            }
            control.println("ready " + co(transport));
            new CountDownLatch(1).await();
            return;
        }
        int port = switch (args[0]) {
            case "co-affine", "co-virtual" -> co(Co.transport());
            case "vthreads" -> virtualThreads();
            case "netty" -> netty();
            default -> throw new IllegalArgumentException(args[0]);
        };
        control.println("ready " + port);
        new CountDownLatch(1).await();
    }

    /** co: the scheduler comes from -Dco.scheduler and -Dco.sched_num. */
    private static int co(Transport transport) {
        Sock server = transport.socket(StandardProtocolFamily.INET, Sock.Type.STREAM);
        server.setReuseAddr();
        server.bind(Co.initIpAddr("127.0.0.1", 0));
        server.listen();
        Co.go(() -> {
            for (;;) {
                Sock conn = server.accept();
                if (conn != null) {
                    Co.go(EchoServerMain::coEcho, conn);
                }
            }
        });
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    private static void coEcho(Sock conn) {
        try (conn) {
            conn.setTcpNoDelay();
            ByteBuffer b = ByteBuffer.allocateDirect(BUFFER);
            for (;;) {
                b.clear();
                int n = conn.recv(b, -1);
                if (n <= 0) {
                    return;
                }
                b.flip();
                if (conn.send(b, -1) < 0) {
                    return;
                }
            }
        }
    }

    /** JDK virtual threads on the default scheduler; parallelism set by the harness. */
    private static int virtualThreads() throws IOException {
        ServerSocketChannel server = ServerSocketChannel.open();
        server.bind(new InetSocketAddress("127.0.0.1", 0), 1024);
        Thread.ofPlatform().daemon().start(() -> {
            for (;;) {
                SocketChannel ch;
                try {
                    ch = server.accept();
                } catch (IOException e) {
                    return;
                }
                Thread.ofVirtual().start(() -> {
                    try (ch) {
                        ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
                        ByteBuffer b = ByteBuffer.allocateDirect(BUFFER);
                        while (ch.read(b) > 0) {
                            b.flip();
                            while (b.hasRemaining()) {
                                ch.write(b);
                            }
                            b.clear();
                        }
                    } catch (IOException ignored) {
                        // client went away
                    }
                });
            }
        });
        return ((InetSocketAddress) server.getLocalAddress()).getPort();
    }

    @ChannelHandler.Sharable
    private static final class NettyEcho extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ctx.write(msg);
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    /** Netty 4.2: one NIO event loop for accept and all connections. */
    private static int netty() throws InterruptedException {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        NettyEcho echo = new NettyEcho();
        var channel = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<io.netty.channel.socket.SocketChannel>() {
                    @Override
                    protected void initChannel(io.netty.channel.socket.SocketChannel ch) {
                        ch.pipeline().addLast(echo);
                    }
                })
                .bind("127.0.0.1", 0).sync().channel();
        return ((InetSocketAddress) channel.localAddress()).getPort();
    }
}
