package co.api.spi;

import co.api.Errno;
import java.net.BindException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.PortUnreachableException;
import java.nio.channels.AlreadyBoundException;
import java.nio.channels.AlreadyConnectedException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ConnectionPendingException;
import java.nio.channels.NoConnectionPendingException;
import java.nio.channels.NotYetBoundException;
import java.nio.channels.NotYetConnectedException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.channels.UnsupportedAddressTypeException;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * How a provider fails a call the co way: set the calling thread's error code (and a detail
 * message that {@link co.api.Co#strerror()} shows after the code's text) and return -1, in one
 * statement: {@code return Errors.fail(Errno.EBADF, "socket closed");}. Also turns the exceptions
 * of the JDK's channels and sockets into {@link Errno} codes, for transports built on them.
 *
 * <p>The JDK reports most socket errors as an {@link java.io.IOException} whose message is the C
 * library's {@code strerror} text ("Connection reset by peer", "Broken pipe", "Too many open
 * files"), or its own shorter wording ("Connection reset"). {@link #errno(Throwable)} trusts the
 * exception's type where the type is exact (a {@link ClosedChannelException} is always
 * {@link Errno#EBADF}), then the message, then a vaguer type, then falls back to
 * {@link Errno#EIO}.
 *
 * <p>Thread safety: stateless; the error is set on the calling thread's {@link CoContext}.
 */
public final class Errors {

    /** The value every failing co call returns. */
    public static final int FAILED = -1;

    /**
     * One recognised exception text: {@code text} found in the lower-cased message (or, when
     * {@code whole}, equal to it) means {@code errno}.
     */
    private record Text(String text, int errno, boolean whole) {
        boolean matches(String lowerCaseMessage) {
            return whole ? lowerCaseMessage.equals(text) : lowerCaseMessage.contains(text);
        }
    }

    private static Text contains(String text, int errno) {
        return new Text(text, errno, false);
    }

    /**
     * The texts the JDK passes through from the C library, and its own wordings. Order matters
     * where one text contains another: the first match wins.
     */
    private static final List<Text> TEXTS = List.of(
            contains("connection reset", Errno.ECONNRESET),              // "Connection reset" and "... by peer"
            contains("broken pipe", Errno.EPIPE),
            contains("too many open files in system", Errno.ENFILE),     // contains EMFILE's text: first
            contains("too many open files", Errno.EMFILE),
            contains("connection refused", Errno.ECONNREFUSED),
            contains("timed out", Errno.ETIMEDOUT),
            contains("address already in use", Errno.EADDRINUSE),
            contains("cannot assign requested address", Errno.EADDRNOTAVAIL),
            contains("network is unreachable", Errno.ENETUNREACH),
            contains("no route to host", Errno.EHOSTUNREACH),
            contains("message too long", Errno.EMSGSIZE),
            contains("software caused connection abort", Errno.ECONNABORTED),
            contains("connection aborted", Errno.ECONNABORTED),
            contains("not connected", Errno.ENOTCONN),                  // "Transport endpoint is not connected"
            contains("already connected", Errno.EISCONN),
            contains("bad file descriptor", Errno.EBADF),
            new Text("socket closed", Errno.EBADF, true),
            new Text("socket is closed", Errno.EBADF, true),
            contains("permission denied", Errno.EACCES),
            contains("operation not permitted", Errno.EPERM),
            contains("no such file or directory", Errno.ENOENT),
            contains("invalid argument", Errno.EINVAL),
            contains("resource temporarily unavailable", Errno.EAGAIN),
            contains("cannot allocate memory", Errno.ENOMEM),
            contains("no buffer space available", Errno.ENOMEM),
            contains("not supported", Errno.EOPNOTSUPP),
            contains("protocol not available", Errno.EOPNOTSUPP),
            contains("interrupted", Errno.EINTR));

    /** Exception types that say exactly what went wrong: trusted before the message. */
    private static final List<Map.Entry<Class<? extends Throwable>, Integer>> EXACT_TYPES = List.of(
            Map.entry(ClosedChannelException.class, Errno.EBADF),         // includes AsynchronousCloseException
            Map.entry(NotYetConnectedException.class, Errno.ENOTCONN),
            Map.entry(AlreadyConnectedException.class, Errno.EISCONN),
            Map.entry(ConnectionPendingException.class, Errno.EALREADY),
            Map.entry(NoConnectionPendingException.class, Errno.EINVAL),
            Map.entry(NotYetBoundException.class, Errno.EINVAL),
            Map.entry(AlreadyBoundException.class, Errno.EINVAL),
            Map.entry(UnresolvedAddressException.class, Errno.EINVAL),
            Map.entry(UnsupportedAddressTypeException.class, Errno.EINVAL),
            Map.entry(UnsupportedOperationException.class, Errno.EOPNOTSUPP),
            Map.entry(PortUnreachableException.class, Errno.ECONNREFUSED)); // ICMP port unreachable, connected UDP

    /**
     * Exception types that only hint (a {@link BindException} may be EADDRNOTAVAIL): used when the
     * message said nothing.
     */
    private static final List<Map.Entry<Class<? extends Throwable>, Integer>> VAGUE_TYPES = List.of(
            Map.entry(BindException.class, Errno.EADDRINUSE),
            Map.entry(ConnectException.class, Errno.ECONNREFUSED),
            Map.entry(NoRouteToHostException.class, Errno.EHOSTUNREACH),
            Map.entry(IllegalArgumentException.class, Errno.EINVAL));

    private Errors() {
    }

    /**
     * Sets the calling thread's error to {@code errno} with no detail, and returns -1.
     *
     * @param errno an {@link Errno} code; {@link Errno#ETIMEDOUT} also sets the timeout flag
     * @return {@value #FAILED}
     */
    public static int fail(int errno) {
        return fail(errno, null);
    }

    /**
     * Sets the calling thread's error to {@code errno} with {@code detail}, and returns -1.
     *
     * @param errno an {@link Errno} code; {@link Errno#ETIMEDOUT} also sets the timeout flag
     * @param detail what went wrong, shown by {@link co.api.Co#strerror()}; may be null
     * @return {@value #FAILED}
     */
    public static int fail(int errno, String detail) {
        CoContext.current().setError(errno, detail);
        return FAILED;
    }

    /**
     * Sets the calling thread's error from an exception ({@link #errno(Throwable)}, with the
     * exception's message as the detail), and returns -1.
     *
     * @param e what a JDK call threw
     * @return {@value #FAILED}
     */
    public static int fail(Throwable e) {
        return fail(errno(e), e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
    }

    /**
     * Maps an exception thrown by a JDK channel or socket operation to an error code.
     *
     * @param e the exception
     * @return an {@link Errno} code, {@link Errno#EIO} when nothing more precise fits
     */
    public static int errno(Throwable e) {
        int byType = byType(EXACT_TYPES, e);
        if (byType != 0) {
            return byType;
        }
        int byText = errnoOfMessage(e.getMessage());
        if (byText != 0) {
            return byText;
        }
        byType = byType(VAGUE_TYPES, e);
        return byType != 0 ? byType : Errno.EIO;
    }

    private static int byType(List<Map.Entry<Class<? extends Throwable>, Integer>> table, Throwable e) {
        for (Map.Entry<Class<? extends Throwable>, Integer> t : table) {
            if (t.getKey().isInstance(e)) {
                return t.getValue();
            }
        }
        return 0;
    }

    /**
     * Recognises the {@code strerror} texts the JDK passes through in exception messages, and its
     * own wordings ("Connection reset", "Socket closed").
     *
     * @param message an exception message, may be null
     * @return the code, or 0 if the text is not recognised
     */
    public static int errnoOfMessage(String message) {
        if (message == null) {
            return 0;
        }
        String m = message.toLowerCase(Locale.ROOT);
        for (Text t : TEXTS) {
            if (t.matches(m)) {
                return t.errno;
            }
        }
        return 0;
    }
}
