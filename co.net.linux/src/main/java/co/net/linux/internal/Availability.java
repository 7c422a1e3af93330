package co.net.linux.internal;

import java.lang.foreign.MemorySegment;

/**
 * Whether the epoll backend and transport can run in this JVM, and why not: not Linux, an
 * unsupported processor, native access not enabled for this module, or the kernel refusing an epoll
 * instance. Checked once, on first use.
 */
final class Availability {

    /** The flag a user must give, for the message. */
    static final String FLAG = "--enable-native-access=co.net.linux (or =ALL-UNNAMED on the class path)";

    private static final Throwable CAUSE = check();
    private static volatile Throwable uringCause;
    private static volatile boolean uringChecked;

    private Availability() {
    }

    /**
     * Returns why epoll cannot run here.
     *
     * @return the cause, or null if it can
     */
    static Throwable cause() {
        return CAUSE;
    }

    /**
     * Returns why io_uring cannot run here: anything {@link #cause()} says, else the kernel's
     * refusal of a ring ({@code kernel.io_uring_disabled}, a seccomp filter's {@code EPERM},
     * {@code ENOSYS}), or a kernel without the features co needs.
     *
     * @return the cause, or null if it can
     */
    static Throwable uringCause() {
        if (!uringChecked) {
            synchronized (Availability.class) {
                if (!uringChecked) {
                    uringCause = checkUring();
                    uringChecked = true;
                }
            }
        }
        return uringCause;
    }

    /**
     * Throws, for a provider's {@code open}, if the backend cannot run.
     *
     * @param name the backend's name
     * @param cause its unavailability cause, or null
     * @throws java.io.IOException with the cause
     */
    static void requireForOpen(String name, Throwable cause) throws java.io.IOException {
        if (cause != null) {
            throw new java.io.IOException("co: " + name + " is unavailable: " + cause.getMessage(), cause);
        }
    }

    private static Throwable checkUring() {
        if (CAUSE != null) {
            return CAUSE;
        }
        try {
            new Ring(2, 0, 0).close();
            return null;
        } catch (java.io.IOException e) {
            String disabled = "";
            try {
                String v = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/sys/kernel/io_uring_disabled")).trim();
                if (!v.equals("0")) {
                    disabled = " (kernel.io_uring_disabled = " + v + ")";
                }
            } catch (java.io.IOException | RuntimeException ignored) {
                // older kernels have no such setting
            }
            if (disabled.isEmpty() && e.getMessage().contains("errno 1)")) {
                disabled = " (a seccomp filter, e.g. a container's, forbids io_uring)";
            }
            return new UnsupportedOperationException("io_uring cannot run here: " + e.getMessage() + disabled, e);
        } catch (Throwable t) {
            return new UnsupportedOperationException("co.net.linux cannot call io_uring: " + t, t);
        }
    }

    private static Throwable check() {
        String os = System.getProperty("os.name", "");
        if (!os.startsWith("Linux")) {
            return new UnsupportedOperationException("co.net.linux needs Linux; this is " + os);
        }
        String arch = System.getProperty("os.arch", "");
        if (!(arch.equals("amd64") || arch.equals("x86_64") || arch.equals("aarch64") || arch.equals("riscv64"))) {
            return new UnsupportedOperationException("co.net.linux knows the system-call ABI of amd64, aarch64 and "
                    + "riscv64, not " + arch);
        }
        if (!Availability.class.getModule().isNativeAccessEnabled()) {
            return new IllegalCallerException("native access is not enabled for " + describe(Availability.class.getModule())
                    + ": start the JVM with " + FLAG);
        }
        try {
            MemorySegment s = Sys.scratch();
            int ep = Sys.epollCreate1(s, Sys.EPOLL_CLOEXEC);
            if (ep < 0) {
                return SysErrors.io("epoll_create1", Sys.errno(s));
            }
            Sys.close(s, ep);
            return null;
        } catch (Throwable t) {
            return new UnsupportedOperationException("co.net.linux cannot call the C library: " + t, t);
        }
    }

    private static String describe(Module m) {
        return m.isNamed() ? "module " + m.getName() : "the class path (unnamed module)";
    }
}
