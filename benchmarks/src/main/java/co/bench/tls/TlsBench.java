package co.bench.tls;

import co.api.Co;
import co.api.Sock;
import co.api.Transport;
import co.api.spi.CoRuntime;
import co.bench.SideBySide;
import co.bench.SideBySide.Case;
import co.net.tls.TlsConfig;
import co.net.tls.TlsTransports;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslHandler;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

/**
 * Side-by-side TLS 1.3 benchmark, one JVM, one run: bulk MB/s over one connection and full
 * handshakes/s, for co's TLS transport (affine scheduler, nio), JDK {@link SSLSocket} on virtual
 * threads, and Netty 4.2's {@link SslHandler} with the JDK provider. All three use the same
 * {@link SSLContext}s, the same EC P-256 key, the same cipher suite and loopback TCP.
 *
 * <p>Full handshakes: every client connection gets its own client {@link SSLContext} (made before
 * timing), so no session is ever resumed. Every socket has TCP_NODELAY, Netty's default, so that
 * Nagle and delayed ACKs do not decide the handshake rate. Run (see docs/tls.md):
 * {@code java --add-opens java.base/java.lang=ALL-UNNAMED -cp benchmarks/target/benchmarks.jar co.bench.tls.TlsBench}
 */
public final class TlsBench {

    static final int BULK_MB = Integer.getInteger("bulk.mb", 512);
    static final int HANDSHAKES = Integer.getInteger("handshakes", 2000);
    static final int CONCURRENCY = Integer.getInteger("concurrency", 4);
    static final int ROUNDS = Integer.getInteger("rounds", 3);
    static final int WARMUPS = Integer.getInteger("warmups", 2);
    /** How many more warm-up passes may run while the JIT has not settled. */
    static final int MAX_EXTRA_WARMUPS = Integer.getInteger("warmups.extra", 20);
    /** The JIT has settled when it compiles less than this fraction of a warm-up pass's time. */
    static final double JIT_SETTLED = 0.03;
    static final int CHUNK = 64 * 1024;

    static SSLContext serverContext;
    static TrustManagerFactory trust;

    private TlsBench() {
    }

    /**
     * One implementation under test: its key in {@code -Dimpls}, its row name, and the code.
     *
     * @param key the short name
     * @param name the row name in the table
     * @param impl the implementation
     */
    record Entry(String key, String name, Impl impl) {
    }

    /**
     * Runs everything and prints the ratios and the table.
     *
     * @param args none
     * @throws Exception on setup failure
     */
    public static void main(String[] args) throws Exception {
        setUpKeys();
        List<String> only = List.of(System.getProperty("impls", "co,jdk,netty").split(","));
        List<Entry> entries = new ArrayList<>();
        for (Entry e : List.of(
                new Entry("co", "co tls (affine, nio)", new CoImpl(null)),
                new Entry("jdk", "JDK SSLSocket, virtual threads", new JdkImpl()),
                new Entry("netty", "Netty 4.2 SslHandler (JDK)", new NettyImpl()),
                new Entry("co-inline", "co tls, delegated tasks inline (bench-only engine wrapper)",
                        new CoImpl(TaskModeContext.Mode.INLINE)),
                new Entry("co-pool", "co tls, delegated tasks on a thread pool (bench-only engine wrapper)",
                        new CoImpl(TaskModeContext.Mode.POOL)))) {
            if (only.contains(e.key())) {
                entries.add(e);
            }
        }
        // Two cases per implementation, bulk (ns per MiB) and handshakes (ns per handshake). Each
        // times only its transfer or its handshakes, not the set-up around them. The JIT keeps
        // improving the shared crypto code for a long while on two cores, so whoever ran last would
        // have had the most warm-up: SideBySide starts each round with another case.
        List<Case> cases = new ArrayList<>();
        for (Entry e : entries) {
            cases.add(new Case(e.key() + " bulk", BULK_MB,
                    (SideBySide.SelfTimed) () -> nanosOf(BULK_MB, e.impl().bulk(BULK_MB))));
            cases.add(new Case(e.key() + " handshakes", HANDSHAKES, (SideBySide.SelfTimed) () -> {
                double rate = e.impl().handshakes(HANDSHAKES);
                System.err.printf(Locale.ROOT, "%-9s handshakes %5.0f/s (cpu %.2f cores)%n", e.key(), rate, lastCpuLoad);
                return nanosOf(HANDSHAKES, rate);
            }));
        }
        double[][] nanos;
        // All servers run side by side; every implementation warms up (the JDK's crypto code is shared
        // and its JIT warm-up must not favour whoever runs last), then the rounds interleave them.
        try {
            for (Entry e : entries) {
                e.impl().start();
            }
            warmUp(entries);
            nanos = SideBySide.run(cases, ROUNDS, 0);
        } finally {
            for (Entry e : entries) {
                e.impl().stop();
            }
        }
        System.out.print(report(entries, nanos));
    }

    /**
     * Warms up for at least {@link #WARMUPS} passes, then until the JIT has settled: on two cores the
     * C2 compiler thread spends tens of seconds on the crypto code and takes up to half the machine
     * meanwhile (perf), which would make the rounds measure the compiler's load.
     */
    static void warmUp(List<Entry> entries) throws Exception {
        java.lang.management.CompilationMXBean jit = java.lang.management.ManagementFactory.getCompilationMXBean();
        for (int warm = 0; warm < WARMUPS + MAX_EXTRA_WARMUPS; warm++) {
            long jit0 = jit.getTotalCompilationTime();
            long w0 = System.nanoTime();
            for (Entry e : entries) {
                System.err.printf(Locale.ROOT, "warm-up %d %-5s bulk %6.0f MB/s, handshakes %5.0f/s%n", warm,
                        e.key(), e.impl().bulk(BULK_MB / 2), e.impl().handshakes(HANDSHAKES / 2));
            }
            double compiling = (jit.getTotalCompilationTime() - jit0) * 1e6 / (System.nanoTime() - w0);
            System.err.printf(Locale.ROOT, "warm-up %d: the JIT compiled %.1f%% of the time%n", warm, compiling * 100);
            if (warm + 1 >= WARMUPS && compiling < JIT_SETTLED) {
                return;
            }
        }
    }

    /** The nanoseconds that {@code ops} operations took at {@code perSecond} operations a second. */
    static long nanosOf(int ops, double perSecond) {
        return (long) (ops / perSecond * 1e9);
    }

    /**
     * The ratios of co over every other implementation (per round, so both sides of a ratio were
     * measured moments apart), then the best-of table in MiB/s and handshakes/s. Case {@code 2k} is
     * entry {@code k}'s bulk, {@code 2k + 1} its handshakes.
     */
    static String report(List<Entry> entries, double[][] nanos) {
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "ratios: median of the %d per-round ratios [lowest, highest] (rounds co won)%n",
                ROUNDS));
        if (!entries.isEmpty() && entries.get(0).key().equals("co")) {
            for (int k = 1; k < entries.size(); k++) {
                out.append(String.format(Locale.ROOT, "co / %-9s bulk %s, handshakes %s%n", entries.get(k).key() + ":",
                        ratios(nanos[0], nanos[2 * k]), ratios(nanos[1], nanos[2 * k + 1])));
            }
        }
        out.append(String.format(Locale.ROOT, "%n| implementation | TLS 1.3 bulk MB/s (best of %d, %d MiB) | full handshakes/s "
                + "(best of %d, %d, %d concurrent) |%n|---|---|---|%n", ROUNDS, BULK_MB, ROUNDS, HANDSHAKES, CONCURRENCY));
        for (int k = 0; k < entries.size(); k++) {
            out.append(String.format(Locale.ROOT, "| %s | %.0f | %.0f |%n", entries.get(k).name(),
                    BULK_MB * 1e9 / Arrays.stream(nanos[2 * k]).min().orElseThrow(),
                    HANDSHAKES * 1e9 / Arrays.stream(nanos[2 * k + 1]).min().orElseThrow()));
        }
        return out.toString();
    }

    /** co's per-round speed over another's ({@code other[r] / co[r]} in time), summarised. */
    static String ratios(double[] co, double[] other) {
        double[] q = new double[co.length];
        int won = 0;
        for (int r = 0; r < q.length; r++) {
            q[r] = other[r] / co[r];
            won += q[r] > 1 ? 1 : 0;
        }
        return String.format(Locale.ROOT, "%.2fx [%.2f, %.2f] (%d/%d)", SideBySide.median(q),
                Arrays.stream(q).min().orElseThrow(), Arrays.stream(q).max().orElseThrow(), won, q.length);
    }

    // ------------------------------------------------------------------ keys

    static void setUpKeys() throws Exception {
        Path dir = Files.createTempDirectory("co-tls-bench");
        Path p12 = dir.resolve("server.p12");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-keystore", p12.toString(), "-storepass", "benchpw", "-keypass", "benchpw",
                "-storetype", "PKCS12", "-alias", "server", "-keyalg", "EC", "-groupname", "secp256r1",
                "-dname", "CN=localhost", "-ext", "san=ip:127.0.0.1,dns:localhost", "-validity", "2")
                .redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        if (p.waitFor() != 0) {
            throw new IllegalStateException("keytool failed");
        }
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(p12)) {
            ks.load(in, "benchpw".toCharArray());
        }
        Files.delete(p12);
        Files.delete(dir);
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, "benchpw".toCharArray());
        serverContext = SSLContext.getInstance("TLSv1.3");
        serverContext.init(kmf.getKeyManagers(), null, null);
        KeyStore trusted = KeyStore.getInstance("PKCS12");
        trusted.load(null, null);
        trusted.setCertificateEntry("server", ks.getCertificate("server"));
        trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(trusted);
    }

    /** A fresh client context: nothing cached, so every handshake is a full one. */
    static SSLContext clientContext() throws Exception {
        SSLContext c = SSLContext.getInstance("TLSv1.3");
        c.init(null, trust.getTrustManagers(), null);
        return c;
    }

    static SSLContext[] clientContexts(int n) throws Exception {
        SSLContext[] all = new SSLContext[n];
        for (int i = 0; i < n; i++) {
            all[i] = clientContext();
        }
        return all;
    }

    /** CPU time of the whole process over the last handshake run, per wall-clock time (2.0 = two cores busy). */
    static volatile double lastCpuLoad;

    /**
     * Waits for the handshake workers, records the process CPU load over the run in
     * {@link #lastCpuLoad}, checks nothing failed, and returns handshakes per second.
     */
    static double handshakeRate(int n, CountDownLatch done, AtomicLong failures, long t0, long c0)
            throws InterruptedException {
        check(done.await(300, TimeUnit.SECONDS));
        long nanos = System.nanoTime() - t0;
        lastCpuLoad = (cpuNanos() - c0) / (double) nanos;
        check(failures.get() == 0);
        return n / (nanos / 1e9);
    }

    static long cpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getProcessCpuTime();
    }

    static double mbPerSecond(long bytes, long nanos) {
        return bytes / (1024.0 * 1024.0) / (nanos / 1e9);
    }

    /** One implementation: a server that sinks bulk data and echoes one byte per connection. */
    interface Impl {
        void start() throws Exception;

        double bulk(int mb) throws Exception;

        double handshakes(int n) throws Exception;

        void stop() throws Exception;
    }

    // ------------------------------------------------------------------ co

    /**
     * co tls. With a {@link TaskModeContext.Mode}, its engines run their delegated tasks that way
     * instead of through co's {@code CoRuntime.compute}, to compare with the default in one run
     * ({@code -Dimpls=co,co-inline,co-pool,jdk}).
     */
    static final class CoImpl implements Impl {
        final TaskModeContext.Mode taskMode;
        CoRuntime rt;
        Transport tls;
        Sock listener;
        Sock handshakeListener;
        TlsConfig client;

        @Override
        public void start() throws Exception {
            rt = CoRuntime.create(System.getProperty("co.bench.scheduler", "affine"),
                    Runtime.getRuntime().availableProcessors());
            SSLContext serverSide = serverContext;
            SSLContext clientSide = clientContext();
            if (taskMode != null) {
                serverSide = TaskModeContext.wrap(serverSide, taskMode);
                clientSide = TaskModeContext.wrap(clientSide, taskMode);
            }
            TlsConfig server = TlsConfig.builder().sslContext(serverSide).protocols("TLSv1.3").build();
            client = TlsConfig.builder().sslContext(clientSide).protocols("TLSv1.3").build();
            tls = TlsTransports.over(Co.transport("nio"), server, client);
            // Bulk: the server connection lives on scheduler 0 and the sender on the last scheduler, as
            // two processes would (two coroutines of one affine scheduler never run in parallel).
            // Handshakes: connections and clients spread over all schedulers as Co.go places them.
            listener = listen(true);
            handshakeListener = listen(false);
        }

        CoImpl(TaskModeContext.Mode taskMode) {
            this.taskMode = taskMode;
        }

        Sock listen(boolean pinned) {
            Sock l = tls.socket(StandardProtocolFamily.INET, Sock.Type.STREAM);
            l.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            l.listen();
            rt.schedulers().get(0).go(() -> {
                for (;;) {
                    Sock c = l.accept(-1);
                    if (c == null) {
                        if (!l.isOpen()) {
                            return;
                        }
                        continue;
                    }
                    c.setTcpNoDelay();
                    if (pinned) {
                        Co.scheduler().go(() -> serve(c));
                    } else {
                        Co.go(() -> serve(c));
                    }
                }
            });
            return l;
        }

        co.api.Scheduler client() {
            return rt.schedulers().get(rt.schedulers().size() - 1);
        }

        static void serve(Sock c) {
            ByteBuffer buf = ByteBuffer.allocate(CHUNK);
            try (c) {
                // First byte: 'b' = bulk (sink, then answer 1 byte), 'h' = handshake ping (echo it).
                buf.limit(1);
                if (c.recvn(buf, 10_000) != 1) {
                    return;
                }
                if (buf.get(0) == 'h') {
                    buf.flip();
                    c.send(buf, 10_000);
                    c.recv(buf.clear(), 10_000);
                    return;
                }
                buf.clear().limit(8);
                c.recvn(buf, 10_000);
                long total = buf.flip().getLong();
                for (long got = 0; got < total; ) {
                    int n = c.recv(buf.clear(), 10_000);
                    if (n <= 0) {
                        return;
                    }
                    got += n;
                }
                c.send(ByteBuffer.wrap(new byte[] {1}), 10_000);
            }
        }

        <T> T inCoroutine(java.util.concurrent.Callable<T> body) throws Exception {
            CompletableFuture<T> f = new CompletableFuture<>();
            client().go(() -> {
                try {
                    f.complete(body.call());
                } catch (Throwable t) {
                    f.completeExceptionally(t);
                }
            });
            return f.get(120, TimeUnit.SECONDS);
        }

        @Override
        public double bulk(int mb) throws Exception {
            long total = (long) mb << 20;
            return inCoroutine(() -> {
                Sock s = tls.socket(StandardProtocolFamily.INET, Sock.Type.STREAM);
                try (s) {
                    s.setTcpNoDelay();
                    check(s.connect(listener.localAddress(), 5000) == 0);
                    ByteBuffer head = ByteBuffer.allocate(9).put((byte) 'b').putLong(total).flip();
                    check(s.send(head, 5000) == 9);
                    ByteBuffer chunk = ByteBuffer.allocate(CHUNK);
                    long t0 = System.nanoTime();
                    for (long sent = 0; sent < total; sent += CHUNK) {
                        check(s.send(chunk.clear(), 10_000) == CHUNK);
                    }
                    check(s.recvn(ByteBuffer.allocate(1), 10_000) == 1);
                    return mbPerSecond(total, System.nanoTime() - t0);
                }
            });
        }

        @Override
        public double handshakes(int n) throws Exception {
            SSLContext[] contexts = clientContexts(n);
            Transport[] transports = new Transport[n];
            for (int i = 0; i < n; i++) {
                transports[i] = TlsTransports.over(Co.transport("nio"), client,
                        TlsConfig.builder().sslContext(contexts[i]).protocols("TLSv1.3").build());
            }
            CountDownLatch done = new CountDownLatch(CONCURRENCY);
            AtomicLong failures = new AtomicLong();
            long c0 = cpuNanos();
            long t0 = System.nanoTime();
            for (int w = 0; w < CONCURRENCY; w++) {
                int first = w;
                rt.go(() -> {
                    for (int i = first; i < n; i += CONCURRENCY) {
                        Sock s = transports[i].socket(StandardProtocolFamily.INET, Sock.Type.STREAM);
                        try (s) {
                            s.setTcpNoDelay();
                            if (s.connect(handshakeListener.localAddress(), 5000) != 0
                                    || s.send(ByteBuffer.wrap(new byte[] {'h'}), 5000) != 1
                                    || s.recvn(ByteBuffer.allocate(1), 5000) != 1) {
                                failures.incrementAndGet();
                            }
                        }
                    }
                    done.countDown();
                });
            }
            return handshakeRate(n, done, failures, t0, c0);
        }

        @Override
        public void stop() {
            listener.close();
            handshakeListener.close();
            rt.stop();
        }
    }

    // ------------------------------------------------------------------ JDK SSLSocket, virtual threads

    static final class JdkImpl implements Impl {
        SSLServerSocket server;
        SSLContext client;

        @Override
        public void start() throws Exception {
            server = (SSLServerSocket) serverContext.getServerSocketFactory().createServerSocket(0, 1024,
                    InetAddress.getLoopbackAddress());
            client = clientContext();
            Thread.ofVirtual().start(() -> {
                while (!server.isClosed()) {
                    try {
                        SSLSocket c = (SSLSocket) server.accept();
                        c.setTcpNoDelay(true);
                        Thread.ofVirtual().start(() -> serve(c));
                    } catch (Exception e) {
                        return;
                    }
                }
            });
        }

        static void serve(SSLSocket c) {
            try (c) {
                InputStream in = c.getInputStream();
                OutputStream out = c.getOutputStream();
                int kind = in.read();
                if (kind == 'h') {
                    out.write('h');
                    out.flush();
                    in.read();
                    return;
                }
                long total = ByteBuffer.wrap(in.readNBytes(8)).getLong();
                byte[] buf = new byte[CHUNK];
                for (long got = 0; got < total; ) {
                    int n = in.read(buf);
                    if (n < 0) {
                        return;
                    }
                    got += n;
                }
                out.write(1);
                out.flush();
            } catch (Exception ignored) {
                // the benchmark checks the client side
            }
        }

        SSLSocket connect(SSLContext ctx) throws Exception {
            SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket(InetAddress.getLoopbackAddress(),
                    server.getLocalPort());
            s.setTcpNoDelay(true);
            SSLParameters p = s.getSSLParameters();
            p.setEndpointIdentificationAlgorithm("HTTPS");
            p.setProtocols(new String[] {"TLSv1.3"});
            s.setSSLParameters(p);
            return s;
        }

        @Override
        public double bulk(int mb) throws Exception {
            long total = (long) mb << 20;
            CompletableFuture<Double> f = new CompletableFuture<>();
            Thread.ofVirtual().start(() -> {
                try (SSLSocket s = connect(client)) {
                    OutputStream out = s.getOutputStream();
                    out.write(ByteBuffer.allocate(9).put((byte) 'b').putLong(total).array());
                    byte[] chunk = new byte[CHUNK];
                    long t0 = System.nanoTime();
                    for (long sent = 0; sent < total; sent += CHUNK) {
                        out.write(chunk);
                    }
                    out.flush();
                    check(s.getInputStream().read() == 1);
                    f.complete(mbPerSecond(total, System.nanoTime() - t0));
                } catch (Throwable t) {
                    f.completeExceptionally(t);
                }
            });
            return f.get(120, TimeUnit.SECONDS);
        }

        @Override
        public double handshakes(int n) throws Exception {
            SSLContext[] contexts = clientContexts(n);
            CountDownLatch done = new CountDownLatch(CONCURRENCY);
            AtomicLong failures = new AtomicLong();
            long c0 = cpuNanos();
            long t0 = System.nanoTime();
            for (int w = 0; w < CONCURRENCY; w++) {
                int first = w;
                Thread.ofVirtual().start(() -> {
                    for (int i = first; i < n; i += CONCURRENCY) {
                        try (SSLSocket s = connect(contexts[i])) {
                            s.getOutputStream().write('h');
                            s.getOutputStream().flush();
                            check(s.getInputStream().read() == 'h');
                        } catch (Throwable t) {
                            failures.incrementAndGet();
                        }
                    }
                    done.countDown();
                });
            }
            return handshakeRate(n, done, failures, t0, c0);
        }

        @Override
        public void stop() throws Exception {
            server.close();
        }
    }

    // ------------------------------------------------------------------ Netty

    static final class NettyImpl implements Impl {
        EventLoopGroup group;
        Channel serverChannel;
        SSLContext client;

        @Override
        public void start() throws Exception {
            group = new MultiThreadIoEventLoopGroup(Runtime.getRuntime().availableProcessors(), NioIoHandler.newFactory());
            client = clientContext();
            serverChannel = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            SSLEngine e = serverContext.createSSLEngine();
                            e.setUseClientMode(false);
                            ch.pipeline().addLast(new SslHandler(e), new ServerHandler());
                        }
                    }).bind(InetAddress.getLoopbackAddress(), 0).sync().channel();
        }

        /** Sink / echo, as the other servers. */
        static final class ServerHandler extends ChannelInboundHandlerAdapter {
            long total = -1;
            long got;
            int kind = -1;
            final ByteBuf head = Unpooled.buffer(8);

            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                ByteBuf b = (ByteBuf) msg;
                try {
                    if (kind < 0 && b.isReadable()) {
                        kind = b.readByte();
                        if (kind == 'h') {
                            ctx.writeAndFlush(Unpooled.wrappedBuffer(new byte[] {'h'}));
                            return;
                        }
                    }
                    if (kind == 'b') {
                        if (total < 0) {
                            int n = Math.min(8 - head.readableBytes(), b.readableBytes());
                            b.readBytes(head, n);
                            if (head.readableBytes() == 8) {
                                total = head.readLong();
                            }
                        }
                        got += b.readableBytes();
                        if (total >= 0 && got >= total) {
                            ctx.writeAndFlush(Unpooled.wrappedBuffer(new byte[] {1}));
                        }
                    }
                } finally {
                    b.release();
                }
            }
        }

        /** Client: sends 'b' + length + data as fast as writability allows, completes on the answer. */
        static final class BulkClient extends ChannelInboundHandlerAdapter {
            final long total;
            final CompletableFuture<Long> done = new CompletableFuture<>();
            long sent;
            long t0;

            BulkClient(long total) {
                this.total = total;
            }

            void pump(ChannelHandlerContext ctx) {
                while (sent < total && ctx.channel().isWritable()) {
                    ctx.write(Unpooled.wrappedBuffer(new byte[CHUNK]));
                    sent += CHUNK;
                }
                ctx.flush();
            }

            @Override
            public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
                if (evt instanceof io.netty.handler.ssl.SslHandshakeCompletionEvent e && e.isSuccess()) {
                    ctx.write(Unpooled.buffer(9).writeByte('b').writeLong(total));
                    t0 = System.nanoTime();
                    pump(ctx);
                }
            }

            @Override
            public void channelWritabilityChanged(ChannelHandlerContext ctx) {
                pump(ctx);
            }

            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                ((ByteBuf) msg).release();
                done.complete(System.nanoTime() - t0);
                ctx.close();
            }

            @Override
            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                done.completeExceptionally(cause);
                ctx.close();
            }
        }

        /** Client: after the handshake sends 'h', completes on the echo. */
        static final class PingClient extends ChannelInboundHandlerAdapter {
            final CompletableFuture<Void> done = new CompletableFuture<>();

            @Override
            public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
                if (evt instanceof io.netty.handler.ssl.SslHandshakeCompletionEvent e) {
                    if (e.isSuccess()) {
                        ctx.writeAndFlush(Unpooled.wrappedBuffer(new byte[] {'h'}));
                    } else {
                        done.completeExceptionally(e.cause());
                    }
                }
            }

            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                ((ByteBuf) msg).release();
                done.complete(null);
                ctx.close();
            }

            @Override
            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                done.completeExceptionally(cause);
                ctx.close();
            }
        }

        Channel connect(SSLContext ctx, ChannelInboundHandlerAdapter handler) throws Exception {
            InetSocketAddress to = (InetSocketAddress) serverChannel.localAddress();
            return new Bootstrap().group(group).channel(NioSocketChannel.class)
                    .option(ChannelOption.WRITE_BUFFER_WATER_MARK,
                            new io.netty.channel.WriteBufferWaterMark(256 * 1024, 512 * 1024))
                    .handler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            SSLEngine e = ctx.createSSLEngine("127.0.0.1", to.getPort());
                            e.setUseClientMode(true);
                            SSLParameters p = e.getSSLParameters();
                            p.setEndpointIdentificationAlgorithm("HTTPS");
                            p.setProtocols(new String[] {"TLSv1.3"});
                            e.setSSLParameters(p);
                            ch.pipeline().addLast(new SslHandler(e), handler);
                        }
                    }).connect(to).sync().channel();
        }

        @Override
        public double bulk(int mb) throws Exception {
            long total = (long) mb << 20;
            BulkClient c = new BulkClient(total);
            connect(client, c);
            long nanos = c.done.get(120, TimeUnit.SECONDS);
            return mbPerSecond(total, nanos);
        }

        @Override
        public double handshakes(int n) throws Exception {
            SSLContext[] contexts = clientContexts(n);
            CountDownLatch done = new CountDownLatch(CONCURRENCY);
            AtomicLong failures = new AtomicLong();
            long c0 = cpuNanos();
            long t0 = System.nanoTime();
            for (int w = 0; w < CONCURRENCY; w++) {
                int first = w;
                Thread.ofPlatform().start(() -> {
                    // Each worker keeps one handshake in flight, as the other implementations' clients do.
                    for (int i = first; i < n; i += CONCURRENCY) {
                        try {
                            PingClient p = new PingClient();
                            connect(contexts[i], p);
                            p.done.get(10, TimeUnit.SECONDS);
                        } catch (Throwable t) {
                            failures.incrementAndGet();
                        }
                    }
                    done.countDown();
                });
            }
            return handshakeRate(n, done, failures, t0, c0);
        }

        @Override
        public void stop() throws Exception {
            serverChannel.close().sync();
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }

    static void check(boolean ok) {
        if (!ok) {
            throw new IllegalStateException("benchmark step failed: " + Co.strerror());
        }
    }
}
