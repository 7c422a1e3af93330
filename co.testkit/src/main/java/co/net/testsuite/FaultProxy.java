package co.net.testsuite;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketAddress;
import java.util.EnumMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A test-only TCP proxy that sits between clients and a server and injects one kind of
 * {@link Fault} into every connection it relays, at a byte offset drawn per connection from a seeded
 * random source. Relays with plain JDK sockets on JDK virtual threads (two per connection, one per
 * direction), never with co, so that the code under test is only on the two ends.
 *
 * <p>Thread safety: every method may be called from any thread. {@link #close} stops accepting,
 * aborts the connections still relayed and waits for their threads.
 */
public final class FaultProxy implements AutoCloseable {

    /** What the proxy does to a connection. */
    public enum Fault {
        /** Relays faithfully. */
        NONE,
        /** Delays every chunk by a few milliseconds, in both directions. */
        DELAY,
        /**
         * Writes in tiny TCP segments (1 to {@value FaultProxy#MAX_SEGMENT} bytes, in turn), in both
         * directions.
         */
        SEGMENT,
        /** From the offset on, stops relaying server to client for longer than the timeouts, then resumes. */
        STALL,
        /** At the offset, resets both connections (RST, SO_LINGER 0). */
        RESET,
        /** At the offset, ends both connections cleanly (FIN) without relaying the rest. */
        TRUNCATE,
        /**
         * At the offset of the client-to-server direction, half-closes toward the server (FIN) and drops
         * the client's further bytes; the server's side is relayed until the server closes.
         */
        HALF_CLOSE;

        /** Tells whether a connection with this fault can still deliver every byte. */
        public boolean harmless() {
            return this == NONE || this == DELAY || this == SEGMENT;
        }
    }

    /**
     * Largest segment of {@link Fault#SEGMENT}. Not one byte each: a relay writing 8 KiB as 8,192
     * system calls never blocks and, on the JDK's default scheduler (whose virtual threads are not
     * preempted), held a carrier for so long that, in the long soak on 2 cores, other relays' threads
     * went unscheduled for more than the clients' 3 s timeouts.
     */
    static final int MAX_SEGMENT = 31;
    /** Largest delay of {@link Fault#DELAY}, per chunk. */
    private static final int MAX_DELAY_MS = 5;
    private static final int CHUNK = 16 * 1024;

    private final Fault fault;
    private final SocketAddress server;
    private final long maxOffset;
    private final int stallMs;
    private final long seed;
    private final ServerSocket listener;
    private final Thread acceptor;
    private final AtomicInteger accepted = new AtomicInteger();
    private final AtomicInteger live = new AtomicInteger();
    private final AtomicLong relayedBytes = new AtomicLong();
    private final AtomicInteger injected = new AtomicInteger();
    private final Map<Relay, Boolean> relays = new ConcurrentHashMap<>();
    private volatile boolean closed;

    /**
     * Starts a proxy on 127.0.0.1 (an ephemeral port) in front of {@code server}.
     *
     * @param fault what to inject
     * @param server where to relay to (IPv4 or IPv6 loopback)
     * @param maxOffset the fault's byte offset is drawn from [0, maxOffset)
     * @param stallMs how long a {@link Fault#STALL} lasts
     * @param seed the seed of the per-connection random choices
     * @throws IOException if the listener cannot be made
     */
    public FaultProxy(Fault fault, SocketAddress server, long maxOffset, int stallMs, long seed) throws IOException {
        this.fault = fault;
        this.server = server;
        this.maxOffset = Math.max(1, maxOffset);
        this.stallMs = stallMs;
        this.seed = seed;
        this.listener = new ServerSocket();
        listener.bind(new InetSocketAddress("127.0.0.1", 0), 1024);
        this.acceptor = Thread.ofVirtual().name("fault-proxy-" + fault).start(this::acceptLoop);
    }

    /** Returns the address clients connect to. */
    public SocketAddress address() {
        return listener.getLocalSocketAddress();
    }

    /** Returns the fault this proxy injects. */
    public Fault fault() {
        return fault;
    }

    /** Returns how many connections it accepted. */
    public int connections() {
        return accepted.get();
    }

    /** Returns how many bytes it relayed, both directions together. */
    public long relayedBytes() {
        return relayedBytes.get();
    }

    /** Returns how many times it injected its fault (a harmless kind counts once per connection). */
    public int faultsInjected() {
        return injected.get();
    }

    /**
     * Describes the relay of the client whose local port is {@code clientPort}, for a failure
     * message: what each direction is doing and how many bytes it relayed.
     *
     * @param clientPort the client's local port
     * @return the description, or a note that no such relay is live
     */
    public String describe(int clientPort) {
        for (Relay r : relays.keySet()) {
            if (r.client.getPort() == clientPort) {
                return fault + " relay of client port " + clientPort + ": to server " + r.state[0] + ", to client "
                        + r.state[1] + ", offset " + r.offset + ", delay " + r.delayMs + " ms";
            }
        }
        return fault + ": no live relay for client port " + clientPort;
    }

    /** Returns how many connections it is still relaying. */
    public int liveConnections() {
        return live.get();
    }

    private void acceptLoop() {
        while (!closed) {
            Socket client;
            try {
                client = listener.accept();
            } catch (IOException e) {
                return;   // closed
            }
            int n = accepted.getAndIncrement();
            live.incrementAndGet();
            Relay r = new Relay(client, new SplittableRandom(seed * 1_000_003L + n));
            relays.put(r, Boolean.TRUE);
            Thread.ofVirtual().name("fault-proxy-" + fault + "-" + n).start(r::run);
        }
    }

    /**
     * Stops accepting, aborts every relay and waits until all of them have ended. An interrupt while
     * waiting keeps the thread's interrupt status and is reported as an {@link IllegalStateException}
     * (a {@code close()} that throws {@code InterruptedException} is a hazard in try-with-resources).
     */
    @Override
    public void close() {
        closed = true;
        try {
            listener.close();
        } catch (IOException e) {
            // nothing to do
        }
        try {
            acceptor.join();
            for (Relay r : relays.keySet()) {
                r.abort();
            }
            while (live.get() > 0) {
                Thread.sleep(1);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while closing the fault proxy", e);
        }
    }

    /** One relayed connection: the client's socket, the upstream one, and the fault's parameters. */
    private final class Relay {
        private final Socket client;
        private final Socket upstream = new Socket();
        private final long offset;
        private final int delayMs;
        private final AtomicBoolean ended = new AtomicBoolean();
        /** What each direction (0 to the server, 1 to the client) is doing, for {@link #describe}. */
        final String[] state = {"starting", "starting"};
        /** Set by a clean-ending fault (truncate, half-close): the other pump only drains. */
        private volatile boolean truncated;

        Relay(Socket client, SplittableRandom random) {
            this.client = client;
            this.offset = random.nextLong(maxOffset);
            this.delayMs = 1 + random.nextInt(MAX_DELAY_MS);
        }

        void run() {
            try {
                try {
                    client.setTcpNoDelay(true);
                    upstream.setTcpNoDelay(true);
                    upstream.connect(server, 10_000);
                } catch (IOException e) {
                    abort();
                    return;
                }
                if (fault.harmless()) {
                    injected.incrementAndGet();
                }
                Thread up = Thread.ofVirtual().start(() -> pump(client, upstream, true));
                pump(upstream, client, false);
                up.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                closeQuietly(client);
                closeQuietly(upstream);
                relays.remove(this);
                live.decrementAndGet();
            }
        }

        /** Relays one direction until its end; {@code toServer} is the client-to-server direction. */
        private void pump(Socket from, Socket to, boolean toServer) {
            byte[] buf = new byte[CHUNK];
            long relayed = 0;
            boolean faultHere = toServer ? fault == Fault.HALF_CLOSE
                    : fault == Fault.STALL || fault == Fault.RESET || fault == Fault.TRUNCATE;
            boolean dropping = false;
            try {
                InputStream in = from.getInputStream();
                OutputStream out = to.getOutputStream();
                int d = toServer ? 0 : 1;
                long t0 = System.nanoTime();
                for (;;) {
                    state[d] = "reading after " + relayed + " bytes, " + (System.nanoTime() - t0) / 1_000_000 + " ms in";
                    int n = in.read(buf);
                    state[d] = "read " + n + " after " + relayed + " bytes, " + (System.nanoTime() - t0) / 1_000_000
                            + " ms in";
                    if (n < 0) {
                        state[d] = "ended after " + relayed + " bytes";
                        if (!dropping && !truncated) {
                            to.shutdownOutput();   // pass the half-close on
                        }
                        return;
                    }
                    if (dropping || truncated) {
                        continue;   // drain what the peer still sends, so that closing sends no RST
                    }
                    int pass = n;
                    boolean trigger = false;
                    if (faultHere && relayed + n > offset) {
                        pass = (int) (offset - relayed);
                        trigger = true;
                    }
                    write(out, buf, pass);
                    relayed += pass;
                    relayedBytes.addAndGet(pass);
                    if (!trigger) {
                        continue;
                    }
                    faultHere = false;
                    injected.incrementAndGet();
                    switch (fault) {
                        case STALL -> {
                            Thread.sleep(stallMs);
                            write(out, buf, n, pass);
                            relayedBytes.addAndGet(n - pass);
                        }
                        case RESET -> {
                            abort();
                            return;
                        }
                        case TRUNCATE -> {
                            truncated = true;
                            client.shutdownOutput();
                            upstream.shutdownOutput();
                        }
                        case HALF_CLOSE -> {
                            dropping = true;
                            upstream.shutdownOutput();
                        }
                        default -> throw new IllegalStateException(fault.toString());
                    }
                }
            } catch (IOException e) {
                // a reset or a closed socket: end both sides abruptly, as the peer did
                state[toServer ? 0 : 1] = "failed after " + relayed + " bytes: " + e;
                abort();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                abort();
            }
        }

        private void write(OutputStream out, byte[] buf, int n) throws IOException, InterruptedException {
            write(out, buf, n, 0);
        }

        /** Writes {@code buf[from, n)} as the fault wants it: delayed, byte by byte, or at once. */
        private void write(OutputStream out, byte[] buf, int n, int from) throws IOException, InterruptedException {
            if (n <= from) {
                return;
            }
            if (fault == Fault.DELAY) {
                Thread.sleep(delayMs);
            }
            if (fault == Fault.SEGMENT) {
                // TCP_NODELAY: one segment per write, of 1, 2, ... MAX_SEGMENT bytes in turn.
                int size = 1;
                for (int i = from; i < n; i += size, size = size % MAX_SEGMENT + 1) {
                    out.write(buf, i, Math.min(size, n - i));
                }
            } else {
                out.write(buf, from, n - from);
            }
        }

        /** Resets both connections. */
        void abort() {
            if (!ended.compareAndSet(false, true)) {
                closeQuietly(client);
                closeQuietly(upstream);
                return;
            }
            reset(client);
            reset(upstream);
        }

        private void reset(Socket s) {
            try {
                if (!s.isClosed()) {
                    s.setSoLinger(true, 0);
                }
            } catch (IOException e) {
                // already gone
            }
            closeQuietly(s);
        }

        private void closeQuietly(Socket s) {
            try {
                s.close();
            } catch (IOException e) {
                // nothing to do
            }
        }
    }

    /**
     * Counts, per fault, what a set of proxies did.
     *
     * @param proxies the proxies
     * @return connections and injected faults by kind
     */
    public static Map<Fault, int[]> tally(Iterable<FaultProxy> proxies) {
        Map<Fault, int[]> m = new EnumMap<>(Fault.class);
        for (FaultProxy p : proxies) {
            int[] c = m.computeIfAbsent(p.fault(), f -> new int[2]);
            c[0] += p.connections();
            c[1] += p.faultsInjected();
        }
        return m;
    }
}
