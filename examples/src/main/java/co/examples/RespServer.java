package co.examples;

import co.api.Co;
import co.api.Sock;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;

/**
 * A tiny Redis-protocol (RESP2) server in co's network model: one coroutine accepts, each
 * connection gets a coroutine of its own that receives, answers and sends in plain sequential
 * code. It is the server of the RESP benchmark ({@code benchmarks/resp-bench.sh}, see
 * docs/benchmarks.md), which drives it with {@code redis-benchmark -t ping_inline}.
 *
 * <pre>
 * java --add-opens java.base/java.lang=ALL-UNNAMED [-Dco.transport=nio|epoll|uring] \
 *      -cp ... co.examples.RespServer [port]
 * </pre>
 *
 * <p>Listens on 127.0.0.1, port 6380 unless given, with the default transport
 * ({@code -Dco.transport}). Commands: {@code PING [message]}, {@code ECHO message}, {@code QUIT},
 * and {@code CONFIG GET pattern} (this server has no parameters, so the answer is an empty array;
 * {@code redis-benchmark} asks for two at start). Requests come inline ({@code PING\r\n}) or as
 * RESP arrays ({@code *1\r\n$4\r\nPING\r\n}), pipelined or not; replies leave in request order, one
 * {@code send} for all the requests that one {@code recv} brought. Unknown commands and wrong
 * argument counts get an {@code -ERR} reply and the connection stays open; malformed framing and a
 * request larger than the {@value Session#BUFFER_SIZE}-byte receive buffer get an
 * {@code -ERR Protocol error} reply and the connection is closed, as redis-server does. Inline
 * arguments are split on spaces only (no quoting).
 */
public final class RespServer {

    private static final System.Logger LOG = System.getLogger("co.examples");

    /** Longest wait for a client that does not read its replies, in milliseconds. */
    private static final int SEND_TIMEOUT_MS = 10_000;

    private RespServer() {
    }

    /**
     * Starts the server and waits for ever.
     *
     * @param args optional port
     * @throws InterruptedException if the main thread is interrupted
     */
    public static void main(String[] args) throws InterruptedException {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 6380;
        Sock server = Co.tcpSocket();
        server.setReuseAddr();
        if (server.bind(Co.initIpAddr("127.0.0.1", port)) != 0 || server.listen() != 0) {
            LOG.log(Level.ERROR, "cannot listen on 127.0.0.1:" + port + ": " + Co.strerror());
            server.close();
            System.exit(1);
        }
        LOG.log(Level.INFO, "RESP server on " + Co.toString(server.localAddress()) + " ("
                + Co.runtime().name() + " scheduler, " + Co.schedulerNum() + " threads, "
                + server.transport().name() + " transport)");
        Co.go(() -> {
            for (;;) {
                Sock conn = server.accept();
                if (conn != null) {
                    Co.go(RespServer::onConnection, conn);    // one coroutine per connection
                } else if (!server.isOpen()) {
                    return;
                }
                // else: e.g. EMFILE; accept has already backed off a little, just try again
            }
        });
        new CountDownLatch(1).await();
    }

    /** Receives requests and answers them until the client closes, fails or breaks the protocol. */
    static void onConnection(Sock conn) {
        try (conn) {
            conn.setTcpNoDelay();
            Session session = new Session();
            ByteBuffer in = ByteBuffer.allocateDirect(Session.BUFFER_SIZE);
            ByteBuffer out = ByteBuffer.allocateDirect(Session.OUT_BUFFER_SIZE);
            for (;;) {
                int n = conn.recv(in, -1);             // appends after a partial request, if any
                if (n <= 0) {
                    if (n < 0) {
                        LOG.log(Level.DEBUG, "connection " + conn.peer() + ": " + Co.strerror());
                    }
                    return;
                }
                in.flip();
                int status;
                do {
                    status = session.serve(in, out);
                    out.flip();
                    if (out.hasRemaining() && conn.send(out, SEND_TIMEOUT_MS) != out.limit()) {
                        return;                         // the client went away or stopped reading
                    }
                    out.clear();
                } while (status == Session.FLUSH);
                if (status == Session.CLOSE) {
                    return;
                }
                in.compact();                           // keep a partial request for the next recv
            }
        }
    }

    /**
     * The protocol state of one connection: parses the requests in a receive buffer and writes
     * their replies. It allocates nothing per request. Used by this server and by the Java peers
     * of the RESP benchmark, so that every Java server runs the same protocol code.
     *
     * <p>Thread safety: none; one session belongs to one connection, used by one thread or
     * coroutine at a time.
     */
    public static final class Session {

        /** Size of the receive buffer a caller must use: the largest request this server takes. */
        public static final int BUFFER_SIZE = 16 * 1024;

        /**
         * Size of the reply buffer a caller must use. {@link #serve} stops before a reply that
         * might not fit, so any request of up to {@link #BUFFER_SIZE} bytes gets its reply.
         */
        public static final int OUT_BUFFER_SIZE = 2 * BUFFER_SIZE;

        /** {@link #serve} result: every complete request is answered; receive more. */
        public static final int MORE = 0;

        /** {@link #serve} result: the reply buffer is full; send it, clear it and call again. */
        public static final int FLUSH = 1;

        /** {@link #serve} result: send the reply buffer, then close the connection. */
        public static final int CLOSE = 2;

        /** The longest reply to one request of n bytes is below n + this (header and CRLFs). */
        private static final int REPLY_OVERHEAD = 128;

        private static final int MAX_ARGS = 3;
        private static final int MAX_DIGITS = 18;
        private static final int MAX_NAME_IN_ERROR = 64;

        private static final byte[] PONG = bytes("+PONG\r\n");
        private static final byte[] OK = bytes("+OK\r\n");
        private static final byte[] EMPTY_ARRAY = bytes("*0\r\n");

        /** Start and length of the first {@link #MAX_ARGS} arguments of the request at hand. */
        private final int[] argStart = new int[MAX_ARGS];
        private final int[] argLength = new int[MAX_ARGS];
        private int argCount;

        /** Creates the state of a new connection. */
        public Session() {
        }

        /**
         * Answers every complete request between {@code in}'s position and limit. On return,
         * {@code in}'s position is at the first byte not yet used (the start of a partial request,
         * or the limit), and {@code out} holds the replies (position after the last byte).
         *
         * @param in the received bytes, {@link #BUFFER_SIZE} capacity, flipped for reading
         * @param out the reply buffer, {@link #OUT_BUFFER_SIZE} capacity, in write mode
         * @return {@link #MORE}, {@link #FLUSH} or {@link #CLOSE}
         */
        public int serve(ByteBuffer in, ByteBuffer out) {
            while (in.hasRemaining()) {
                if (out.remaining() < in.remaining() + REPLY_OVERHEAD
                        && out.remaining() < BUFFER_SIZE + REPLY_OVERHEAD) {
                    return FLUSH;
                }
                int start = in.position();
                int end = in.get(start) == '*' ? parseArray(in, start) : parseInline(in, start);
                if (end == INCOMPLETE) {
                    if (start == 0 && in.limit() == in.capacity()) {
                        return protocolError(out, "too big request");
                    }
                    return MORE;
                }
                if (end < 0) {
                    return protocolError(out, PROTOCOL_ERRORS[-end - 2]);
                }
                in.position(end);
                if (argCount > 0 && execute(in, out)) {
                    return CLOSE;
                }
            }
            return MORE;
        }

        private static final int INCOMPLETE = -1;
        private static final String[] PROTOCOL_ERRORS = {
            "invalid multibulk length", "invalid bulk length", "expected '$'", "expected CRLF"};

        /**
         * Parses an inline request ({@code PING arg\r\n}, or just {@code \n}) starting at
         * {@code start}; returns the index after it, or {@link #INCOMPLETE}.
         */
        private int parseInline(ByteBuffer in, int start) {
            int limit = in.limit();
            int newline = -1;
            for (int i = start; i < limit; i++) {
                if (in.get(i) == '\n') {
                    newline = i;
                    break;
                }
            }
            if (newline < 0) {
                return INCOMPLETE;
            }
            int end = newline > start && in.get(newline - 1) == '\r' ? newline - 1 : newline;
            argCount = 0;
            int i = start;
            while (i < end) {
                while (i < end && in.get(i) == ' ') {
                    i++;
                }
                int argumentStart = i;
                while (i < end && in.get(i) != ' ') {
                    i++;
                }
                if (i > argumentStart) {
                    addArgument(argumentStart, i - argumentStart);
                }
            }
            return newline + 1;
        }

        /**
         * Parses {@code *N\r\n} and N bulk strings {@code $len\r\nbytes\r\n} starting at
         * {@code start}; returns the index after them, {@link #INCOMPLETE}, or a negative error
         * index (-2 - index into {@link #PROTOCOL_ERRORS}).
         */
        private int parseArray(ByteBuffer in, int start) {
            long count = parseNumber(in, start + 1);
            if (count == NUMBER_INCOMPLETE) {
                return INCOMPLETE;
            }
            if (count == NUMBER_BAD || count > 1024 * 1024) {
                return -2;
            }
            int i = numberEnd;
            argCount = 0;
            for (long k = 0; k < count; k++) {
                if (i >= in.limit()) {
                    return INCOMPLETE;
                }
                if (in.get(i) != '$') {
                    return -4;
                }
                long length = parseNumber(in, i + 1);
                if (length == NUMBER_INCOMPLETE) {
                    return INCOMPLETE;
                }
                if (length < 0 || length > BUFFER_SIZE) {
                    return -3;
                }
                int data = numberEnd;
                if ((long) data + length + 2 > in.limit()) {
                    return INCOMPLETE;
                }
                int after = data + (int) length;
                if (in.get(after) != '\r' || in.get(after + 1) != '\n') {
                    return -5;
                }
                addArgument(data, (int) length);
                i = after + 2;
            }
            return i;      // *0 and *-1 are empty requests, answered with nothing, as in Redis
        }

        private static final long NUMBER_NEGATIVE = -1;
        private static final long NUMBER_INCOMPLETE = -2;
        private static final long NUMBER_BAD = -3;

        /** Index after the CRLF of the last {@link #parseNumber}. */
        private int numberEnd;

        /**
         * Parses a decimal number (optionally negative) ending in CRLF at {@code i}: the value,
         * {@link #NUMBER_NEGATIVE} for any negative value, {@link #NUMBER_INCOMPLETE} or
         * {@link #NUMBER_BAD}; sets {@link #numberEnd}.
         */
        private long parseNumber(ByteBuffer in, int i) {
            int limit = in.limit();
            boolean negative = i < limit && in.get(i) == '-';
            int digitsStart = negative ? i + 1 : i;
            long value = 0;
            int j = digitsStart;
            for (; j < limit; j++) {
                byte b = in.get(j);
                if (b == '\r') {
                    break;
                }
                if (b < '0' || b > '9' || j - digitsStart >= MAX_DIGITS) {
                    return NUMBER_BAD;
                }
                value = value * 10 + (b - '0');
            }
            if (j + 1 >= limit) {
                return NUMBER_INCOMPLETE;
            }
            if (j == digitsStart || in.get(j + 1) != '\n') {
                return NUMBER_BAD;
            }
            numberEnd = j + 2;
            return negative ? NUMBER_NEGATIVE : value;
        }

        private void addArgument(int start, int length) {
            if (argCount < MAX_ARGS) {
                argStart[argCount] = start;
                argLength[argCount] = length;
            }
            argCount++;
        }

        /** Runs the parsed request; returns true if the connection must close after the reply. */
        private boolean execute(ByteBuffer in, ByteBuffer out) {
            if (argIs(in, 0, "PING")) {
                if (argCount == 1) {
                    out.put(PONG);
                } else if (argCount == 2) {
                    bulk(in, out, 1);
                } else {
                    wrongArguments(out, "ping");
                }
            } else if (argIs(in, 0, "ECHO")) {
                if (argCount == 2) {
                    bulk(in, out, 1);
                } else {
                    wrongArguments(out, "echo");
                }
            } else if (argIs(in, 0, "QUIT")) {
                out.put(OK);
                return true;
            } else if (argIs(in, 0, "CONFIG") && argCount >= 2 && argIs(in, 1, "GET")) {
                if (argCount == 3) {
                    out.put(EMPTY_ARRAY);
                } else {
                    wrongArguments(out, "config|get");
                }
            } else {
                out.put(bytes("-ERR unknown command '"));
                int n = Math.min(argLength[0], MAX_NAME_IN_ERROR);
                for (int i = 0; i < n; i++) {
                    byte b = in.get(argStart[0] + i);
                    out.put(b >= 0x20 && b < 0x7f && b != '\'' ? b : (byte) '?');
                }
                out.put(bytes("'\r\n"));
            }
            return false;
        }

        /** True if argument {@code index} equals {@code name}, ignoring ASCII case. */
        private boolean argIs(ByteBuffer in, int index, String name) {
            if (argLength[index] != name.length()) {
                return false;
            }
            int start = argStart[index];
            for (int i = 0; i < name.length(); i++) {
                if ((in.get(start + i) & ~0x20) != name.charAt(i)) {
                    return false;
                }
            }
            return true;
        }

        private void bulk(ByteBuffer in, ByteBuffer out, int index) {
            out.put((byte) '$');
            putDecimal(out, argLength[index]);
            out.put((byte) '\r').put((byte) '\n');
            out.put(out.position(), in, argStart[index], argLength[index]);
            out.position(out.position() + argLength[index]);
            out.put((byte) '\r').put((byte) '\n');
        }

        private static void putDecimal(ByteBuffer out, int value) {
            String s = Integer.toString(value);
            for (int i = 0; i < s.length(); i++) {
                out.put((byte) s.charAt(i));
            }
        }

        private static void wrongArguments(ByteBuffer out, String command) {
            out.put(bytes("-ERR wrong number of arguments for '" + command + "' command\r\n"));
        }

        private static int protocolError(ByteBuffer out, String what) {
            out.put(bytes("-ERR Protocol error: " + what + "\r\n"));
            return CLOSE;
        }

        private static byte[] bytes(String s) {
            return s.getBytes(StandardCharsets.US_ASCII);
        }
    }
}
