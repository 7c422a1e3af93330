package co.net.linux.internal;

import co.api.Co;
import java.io.IOException;

/**
 * Set-up failures of system calls as exceptions. Errors of socket calls go to the caller's
 * {@link co.api.spi.CoContext} through {@link co.api.spi.Errors#fail(int, String)}: co's
 * {@link co.api.Errno} codes are the Linux numbers, so a kernel errno is reported as it is, with
 * the failing call named in the detail.
 */
final class SysErrors {

    private SysErrors() {
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
