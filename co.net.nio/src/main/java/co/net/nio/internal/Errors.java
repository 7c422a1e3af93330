package co.net.nio.internal;

import co.api.Errno;
import co.api.spi.CoContext;
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
import java.util.Locale;

/**
 * Turns the exceptions of {@code java.nio.channels} into co's {@link Errno} codes, keeping the
 * exception's message as the detail that {@link co.api.Co#strerror()} shows.
 *
 * <p>The JDK reports most socket errors as an {@link java.io.IOException} whose message is the C
 * library's {@code strerror} text ("Connection reset by peer", "Broken pipe", "Too many open
 * files"), or its own shorter wording ("Connection reset"); the type is used where it says more
 * (a {@link ClosedChannelException} is always {@link Errno#EBADF}), the message otherwise.
 *
 * <p>Thread safety: stateless; any thread.
 */
final class Errors {

    private Errors() {
    }

    /**
     * Sets the calling thread's error from {@code e} and returns -1, for {@code return fail(e);}.
     *
     * @param e what the channel threw
     * @return -1
     */
    static int fail(Throwable e) {
        CoContext.current().setError(errno(e), e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
        return -1;
    }

    /**
     * Sets the calling thread's error to {@code err} with {@code detail} and returns -1.
     *
     * @param err an {@link Errno} code
     * @param detail what went wrong, or null
     * @return -1
     */
    static int fail(int err, String detail) {
        CoContext.current().setError(err, detail);
        return -1;
    }

    /**
     * Maps an exception thrown by a channel operation to an error code.
     *
     * @param e the exception
     * @return an {@link Errno} code, {@link Errno#EIO} when nothing more precise fits
     */
    static int errno(Throwable e) {
        // Types first: they are exact where they exist.
        if (e instanceof ClosedChannelException) {           // includes AsynchronousCloseException
            return Errno.EBADF;
        }
        if (e instanceof NotYetConnectedException) {
            return Errno.ENOTCONN;
        }
        if (e instanceof AlreadyConnectedException) {
            return Errno.EISCONN;
        }
        if (e instanceof ConnectionPendingException) {
            return Errno.EALREADY;
        }
        if (e instanceof NoConnectionPendingException || e instanceof NotYetBoundException
                || e instanceof AlreadyBoundException || e instanceof UnresolvedAddressException
                || e instanceof UnsupportedAddressTypeException) {
            return Errno.EINVAL;
        }
        if (e instanceof UnsupportedOperationException) {
            return Errno.EOPNOTSUPP;
        }
        if (e instanceof PortUnreachableException) {         // ICMP port unreachable on a connected UDP socket
            return Errno.ECONNREFUSED;
        }
        int byText = fromMessage(e.getMessage());
        if (byText != 0) {
            return byText;
        }
        if (e instanceof BindException) {
            return Errno.EADDRINUSE;
        }
        if (e instanceof ConnectException) {
            return Errno.ECONNREFUSED;
        }
        if (e instanceof NoRouteToHostException) {
            return Errno.EHOSTUNREACH;
        }
        if (e instanceof IllegalArgumentException) {
            return Errno.EINVAL;
        }
        return Errno.EIO;
    }

    /**
     * Recognizes the strerror texts the JDK passes through, and its own wordings.
     *
     * @param message an exception message, may be null
     * @return the code, or 0 if the text is not recognized
     */
    static int fromMessage(String message) {
        if (message == null) {
            return 0;
        }
        String m = message.toLowerCase(Locale.ROOT);
        if (m.contains("connection reset")) {                 // "Connection reset" and "... by peer"
            return Errno.ECONNRESET;
        }
        if (m.contains("broken pipe")) {
            return Errno.EPIPE;
        }
        if (m.contains("too many open files in system")) {    // ENFILE's text contains EMFILE's: test it first
            return Errno.ENFILE;
        }
        if (m.contains("too many open files")) {
            return Errno.EMFILE;
        }
        if (m.contains("connection refused")) {
            return Errno.ECONNREFUSED;
        }
        if (m.contains("timed out")) {
            return Errno.ETIMEDOUT;
        }
        if (m.contains("address already in use")) {
            return Errno.EADDRINUSE;
        }
        if (m.contains("cannot assign requested address")) {
            return Errno.EADDRNOTAVAIL;
        }
        if (m.contains("network is unreachable")) {
            return Errno.ENETUNREACH;
        }
        if (m.contains("no route to host")) {
            return Errno.EHOSTUNREACH;
        }
        if (m.contains("message too long")) {
            return Errno.EMSGSIZE;
        }
        if (m.contains("software caused connection abort") || m.contains("connection aborted")) {
            return Errno.ECONNABORTED;
        }
        if (m.contains("not connected")) {                    // "Transport endpoint is not connected"
            return Errno.ENOTCONN;
        }
        if (m.contains("already connected")) {
            return Errno.EISCONN;
        }
        if (m.contains("bad file descriptor") || m.equals("socket closed") || m.equals("socket is closed")) {
            return Errno.EBADF;
        }
        if (m.contains("permission denied")) {
            return Errno.EACCES;
        }
        if (m.contains("operation not permitted")) {
            return Errno.EPERM;
        }
        if (m.contains("no such file or directory")) {
            return Errno.ENOENT;
        }
        if (m.contains("invalid argument")) {
            return Errno.EINVAL;
        }
        if (m.contains("resource temporarily unavailable")) {
            return Errno.EAGAIN;
        }
        if (m.contains("cannot allocate memory") || m.contains("no buffer space available")) {
            return Errno.ENOMEM;
        }
        if (m.contains("not supported") || m.contains("protocol not available")) {
            return Errno.EOPNOTSUPP;
        }
        if (m.contains("interrupted")) {
            return Errno.EINTR;
        }
        return 0;
    }
}
