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
