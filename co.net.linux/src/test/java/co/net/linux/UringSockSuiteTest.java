package co.net.linux;

import co.net.testsuite.SockFactory;
import co.net.testsuite.SockSuite;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The transport-agnostic suite over io_uring: TCP on 127.0.0.1 and ::1, Unix-domain sockets, and
 * TLS over uring. The affine runtimes these tests make run an io_uring backend on each scheduling
 * thread ({@code co.io=uring} while this class runs), so their sockets' I/O is ring operations.
 * Affine only: off a uring scheduler (the virtual provider) a uring socket is the shared
 * {@code FdSock} on the shared epoll poller, which {@link EpollSockSuiteTest}'s virtual cases run.
 * Where io_uring cannot run, {@link UringTest} checks the fallback instead.
 */
class UringSockSuiteTest extends SockSuite {

    private String oldIo;

    @BeforeAll
    void uringBackend() {
        oldIo = System.getProperty("co.io");
        System.setProperty("co.io", "uring");
    }

    @AfterAll
    void restoreBackend() {
        if (oldIo == null) {
            System.clearProperty("co.io");
        } else {
            System.setProperty("co.io", oldIo);
        }
    }

    @Override
    protected List<String> schedulers() {
        return List.of("affine");
    }

    @Override
    protected List<SockFactory> factories() {
        return List.of(new NativeSockFactory("uring-tcp4"), new NativeSockFactory("uring-tcp6"),
                new NativeSockFactory("uring-unix"), new TlsOverNativeSockFactory("tls-over-uring"));
    }
}
