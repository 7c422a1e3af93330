package co.net.linux;

import co.api.spi.IoBackend;
import co.api.spi.IoBackendProvider;
import co.api.spi.IoHost;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicInteger;

/** An I/O backend whose set-up fails as a kernel out of descriptors would: for the fallback test. */
public final class FailingBackendProvider implements IoBackendProvider {

    /** Its name. */
    static final String NAME = "failing-for-test";
    /** How many times a runtime tried to open it. */
    static final AtomicInteger OPENED = new AtomicInteger();

    /** Creates the provider. */
    public FailingBackendProvider() {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public boolean isAvailable() {
        return true;
    }

    @Override
    public Throwable unavailabilityCause() {
        return null;
    }

    @Override
    public IoBackend open(IoHost host) throws IOException {
        OPENED.incrementAndGet();
        throw new IOException("epoll_create1 failed: Too many open files (errno 24)");
    }
}
