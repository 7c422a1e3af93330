package co.net.linux.internal;

import co.api.Co;
import co.api.spi.CoContext;
import java.io.IOException;

/**
 * Linux errno values and co's error state. co's {@link co.api.Errno} codes are the Linux numbers,
 * so a kernel errno is reported as it is; the text names the call that failed.
 */
final class Errors {

    private Errors() {
    }

    /**
     * Records {@code errno} as the calling thread's last error, with the failing call named.
     *
     * @param errno the kernel's errno
     * @param call what failed, for the message
     * @return -1, for {@code return Errors.fail(...)}
     */
    static int fail(int errno, String call) {
        CoContext.current().setError(errno, call);
        return -1;
    }

    /**
     * Makes an exception for a set-up call that failed.
     *
     * @param call the system call
     * @param errno its errno
     * @return the exception, its message naming both
     */
    static IOException io(String call, int errno) {
        return new IOException("co: " + call + " failed: " + Co.strerror(errno) + " (errno " + errno + ")");
    }
}
