package co.bench.resp;

import co.examples.RespServer.Session;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerSocketChannel;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.util.concurrent.CountDownLatch;

/**
 * The Java peers of the RESP benchmark ({@code benchmarks/resp-bench.sh}), each answering the same
 * protocol with the same parser as {@code co.examples.RespServer} ({@link Session}), so that only
 * the runtime and the transport differ:
 * <ul>
 *   <li>{@code netty-nio}, {@code netty-epoll}, {@code netty-uring}: Netty 4.2, one event loop
 *       thread for accept and every connection, over NIO, native epoll or native io_uring (JNI);
 *       the replies of one read go out in one buffer, flushed on read-complete.</li>
 *   <li>{@code vthreads}: one JDK virtual thread per connection on blocking
 *       {@link java.nio.channels.SocketChannel}s (run with
 *       {@code -Djdk.virtualThreadScheduler.parallelism=1}).</li>
 * </ul>
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar co.bench.resp.RespPeers KIND PORT
 * </pre>
 *
 * Listens on 127.0.0.1 and serves until killed. An unavailable native transport is an error that
 * names Netty's cause.
 */
public final class RespPeers {

    private RespPeers() {
    }

    /**
     * Runs one server.
     *
     * @param args kind and port
     * @throws Exception on failure
     */
    public static void main(String[] args) throws Exception {
        String kind = args[0];
        int port = Integer.parseInt(args[1]);
        switch (kind) {
            case "netty-nio" -> netty(NioIoHandler.newFactory(), NioServerSocketChannel.class, port);
            case "netty-epoll" -> {
                Epoll.ensureAvailability();
                netty(EpollIoHandler.newFactory(), EpollServerSocketChannel.class, port);
            }
            case "netty-uring" -> {
                IoUring.ensureAvailability();
                netty(IoUringIoHandler.newFactory(), IoUringServerSocketChannel.class, port);
            }
            case "vthreads" -> virtualThreads(port);
            default -> throw new IllegalArgumentException("unknown kind " + kind);
        }
        System.err.println("RESP peer " + kind + " on 127.0.0.1:" + port);
        new CountDownLatch(1).await();
    }

    private static void netty(IoHandlerFactory io, Class<? extends ServerChannel> channel, int port)
            throws InterruptedException {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, io);
        new ServerBootstrap()
                .group(group)
                .channel(channel)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new NettyResp());
                    }
                })
                .bind("127.0.0.1", port).sync();
    }

    /** One connection's protocol state in Netty: received bytes are copied into the session's buffer. */
    private static final class NettyResp extends ChannelInboundHandlerAdapter {
        private final Session session = new Session();
        private final ByteBuffer in = ByteBuffer.allocateDirect(Session.BUFFER_SIZE);
        private final ByteBuffer out = ByteBuffer.allocateDirect(Session.OUT_BUFFER_SIZE);
        private boolean closing;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf received = (ByteBuf) msg;
            try {
                while (received.isReadable() && !closing) {
                    int n = Math.min(received.readableBytes(), in.remaining());
                    int limit = in.limit();
                    in.limit(in.position() + n);
                    received.readBytes(in);
                    in.limit(limit);
                    in.flip();
                    int status;
                    do {
                        status = session.serve(in, out);
                        out.flip();
                        if (out.hasRemaining()) {
                            ctx.write(ctx.alloc().directBuffer(out.remaining()).writeBytes(out));
                        }
                        out.clear();
                    } while (status == Session.FLUSH);
                    in.compact();
                    if (status == Session.CLOSE) {
                        closing = true;
                        ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
                    }
                }
            } finally {
                received.release();
            }
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

    /** A virtual thread accepts; one virtual thread per connection. */
    private static void virtualThreads(int port) throws IOException {
        ServerSocketChannel server = ServerSocketChannel.open();
        server.setOption(StandardSocketOptions.SO_REUSEADDR, true);
        server.bind(new InetSocketAddress("127.0.0.1", port), 1024);
        Thread.ofVirtual().start(() -> {
            for (;;) {
                java.nio.channels.SocketChannel ch;
                try {
                    ch = server.accept();
                } catch (IOException e) {
                    return;
                }
                Thread.ofVirtual().start(() -> virtualThreadConnection(ch));
            }
        });
    }

    private static void virtualThreadConnection(java.nio.channels.SocketChannel ch) {
        try (ch) {
            ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
            Session session = new Session();
            ByteBuffer in = ByteBuffer.allocateDirect(Session.BUFFER_SIZE);
            ByteBuffer out = ByteBuffer.allocateDirect(Session.OUT_BUFFER_SIZE);
            while (ch.read(in) > 0) {
                in.flip();
                int status;
                do {
                    status = session.serve(in, out);
                    out.flip();
                    while (out.hasRemaining()) {
                        ch.write(out);
                    }
                    out.clear();
                } while (status == Session.FLUSH);
                if (status == Session.CLOSE) {
                    return;
                }
                in.compact();
            }
        } catch (IOException e) {
            // the client went away
        }
    }
}
