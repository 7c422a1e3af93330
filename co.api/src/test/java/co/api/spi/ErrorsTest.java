package co.api.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import co.api.Co;
import co.api.Errno;
import java.io.IOException;
import java.net.BindException;
import java.net.ConnectException;
import java.net.PortUnreachableException;
import java.net.SocketException;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ConnectionPendingException;
import java.nio.channels.NotYetConnectedException;
import java.nio.channels.UnsupportedAddressTypeException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Failing with an errno, and the exception-to-errno table. */
class ErrorsTest {

    @Test
    @Timeout(10)
    void javaExceptionsMapToPreciseCodes() {
        assertEquals(Errno.ECONNREFUSED, Errors.errno(new ConnectException("Connection refused")));
        assertEquals(Errno.ECONNRESET, Errors.errno(new SocketException("Connection reset")));
        assertEquals(Errno.ECONNRESET, Errors.errno(new IOException("Connection reset by peer")));
        assertEquals(Errno.EPIPE, Errors.errno(new IOException("Broken pipe")));
        assertEquals(Errno.EADDRINUSE, Errors.errno(new BindException("Address already in use")));
        assertEquals(Errno.EADDRNOTAVAIL, Errors.errno(new BindException("Cannot assign requested address")));
        assertEquals(Errno.EMFILE, Errors.errno(new IOException("Too many open files")));
        assertEquals(Errno.ENFILE, Errors.errno(new IOException("Too many open files in system")));
        assertEquals(Errno.EBADF, Errors.errno(new ClosedChannelException()));
        assertEquals(Errno.EBADF, Errors.errno(new AsynchronousCloseException()));
        assertEquals(Errno.ENOTCONN, Errors.errno(new NotYetConnectedException()));
        assertEquals(Errno.EALREADY, Errors.errno(new ConnectionPendingException()));
        assertEquals(Errno.EINVAL, Errors.errno(new UnsupportedAddressTypeException()));
        assertEquals(Errno.ECONNREFUSED, Errors.errno(new PortUnreachableException()));
        assertEquals(Errno.ETIMEDOUT, Errors.errno(new ConnectException("Connection timed out")));
        assertEquals(Errno.EHOSTUNREACH, Errors.errno(new ConnectException("No route to host")));
        assertEquals(Errno.ENOENT, Errors.errno(new SocketException("No such file or directory")));
        assertEquals(Errno.EAGAIN, Errors.errno(new SocketException("Resource temporarily unavailable")));
        assertEquals(Errno.EIO, Errors.errno(new IOException("something new")));
        assertEquals(Errno.EIO, Errors.errno(new IOException()));
    }

    @Test
    @Timeout(10)
    void failKeepsTheMessageAsDetail() {
        assertEquals(-1, Errors.fail(new IOException("Connection reset by peer")));
        assertEquals(Errno.ECONNRESET, Co.error());
        assertEquals("Connection reset by peer: Connection reset by peer", Co.strerror());
        Errors.fail(new ClosedChannelException());
        assertEquals("Bad file descriptor: ClosedChannelException", Co.strerror());
        assertEquals(-1, Errors.fail(Errno.EPIPE, "peer gone"));
        assertEquals("Broken pipe: peer gone", Co.strerror());
        assertEquals(-1, Errors.fail(Errno.ETIMEDOUT));
        assertTrue(Co.timeout(), "ETIMEDOUT sets the timeout flag");
        assertEquals("Connection timed out", Co.strerror());
    }

    @Test
    @Timeout(10)
    void theTextTableTriesLongerTextsFirstAndWholeTextsExactly() {
        assertEquals(Errno.ENFILE, Errors.errnoOfMessage("Too many open files in system"));
        assertEquals(Errno.EBADF, Errors.errnoOfMessage("Socket closed"));
        assertEquals(0, Errors.errnoOfMessage("socket closed by the peer"), "a whole text only matches whole");
        assertEquals(Errno.ECONNABORTED, Errors.errnoOfMessage("Software caused connection abort"));
        assertEquals(Errno.ENOMEM, Errors.errnoOfMessage("No buffer space available"));
        assertEquals(0, Errors.errnoOfMessage(null));
        assertEquals(0, Errors.errnoOfMessage("all is well"));
    }
}
