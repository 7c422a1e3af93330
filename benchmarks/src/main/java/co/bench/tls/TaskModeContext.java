package co.bench.tls;

import java.nio.ByteBuffer;
import java.security.KeyManagementException;
import java.security.SecureRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLContextSpi;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocketFactory;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSessionContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;

/**
 * The benchmark's alternatives to where co runs an engine's delegated tasks (co itself hands them to
 * {@code CoRuntime.compute}): an {@link SSLContext} whose engines run their own delegated tasks,
 * either on a small pool of platform threads (the calling coroutine parks until done) or inline on
 * the caller, and then report none left. co's driver, asking for tasks, finds them already done. The
 * client's {@code beginHandshake} (its key shares) still goes through co's {@code compute} in both
 * modes. Benchmark-only: production keeps only the compute path (issue 12).
 */
final class TaskModeContext {

    /** Where the tasks run. */
    enum Mode {
        /** On a pool of platform threads, one per processor. */
        POOL,
        /** On the thread that asks for them (the coroutine's scheduling thread). */
        INLINE
    }

    private static final ExecutorService POOL = pool();

    private TaskModeContext() {
    }

    private static ExecutorService pool() {
        AtomicInteger ids = new AtomicInteger();
        return Executors.newFixedThreadPool(Runtime.getRuntime().availableProcessors(), r -> {
            Thread t = new Thread(r, "bench-tls-task-" + ids.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Wraps {@code real} so that its engines run their delegated tasks the {@code mode} way.
     *
     * @param real an initialised context
     * @param mode where tasks run
     * @return the wrapping context
     */
    static SSLContext wrap(SSLContext real, Mode mode) {
        return new Wrapped(new Spi(real, mode), real);
    }

    private static final class Wrapped extends SSLContext {
        Wrapped(SSLContextSpi spi, SSLContext real) {
            super(spi, real.getProvider(), real.getProtocol());
        }
    }

    private static final class Spi extends SSLContextSpi {
        private final SSLContext real;
        private final Mode mode;

        Spi(SSLContext real, Mode mode) {
            this.real = real;
            this.mode = mode;
        }

        @Override
        protected void engineInit(KeyManager[] km, TrustManager[] tm, SecureRandom sr) throws KeyManagementException {
            throw new KeyManagementException("already initialised");
        }

        @Override
        protected SSLSocketFactory engineGetSocketFactory() {
            return real.getSocketFactory();
        }

        @Override
        protected SSLServerSocketFactory engineGetServerSocketFactory() {
            return real.getServerSocketFactory();
        }

        @Override
        protected SSLEngine engineCreateSSLEngine() {
            return new TaskEngine(real.createSSLEngine(), mode);
        }

        @Override
        protected SSLEngine engineCreateSSLEngine(String host, int port) {
            return new TaskEngine(real.createSSLEngine(host, port), mode);
        }

        @Override
        protected SSLSessionContext engineGetServerSessionContext() {
            return real.getServerSessionContext();
        }

        @Override
        protected SSLSessionContext engineGetClientSessionContext() {
            return real.getClientSessionContext();
        }

        @Override
        protected SSLParameters engineGetDefaultSSLParameters() {
            return real.getDefaultSSLParameters();
        }

        @Override
        protected SSLParameters engineGetSupportedSSLParameters() {
            return real.getSupportedSSLParameters();
        }
    }

    /** An engine that does everything its delegate does, and runs its own delegated tasks. */
    private static final class TaskEngine extends SSLEngine {
        private final SSLEngine e;
        private final Mode mode;

        TaskEngine(SSLEngine e, Mode mode) {
            super(e.getPeerHost(), e.getPeerPort());
            this.e = e;
            this.mode = mode;
        }

        @Override
        public Runnable getDelegatedTask() {
            Runnable task;
            while ((task = e.getDelegatedTask()) != null) {
                if (mode == Mode.INLINE) {
                    task.run();
                    continue;
                }
                try {
                    // A coroutine (a virtual thread) parks here; its scheduling thread serves others.
                    POOL.submit(task).get();
                } catch (ExecutionException ex) {
                    if (ex.getCause() instanceof RuntimeException re) {
                        throw re;
                    }
                    throw new IllegalStateException(ex.getCause());
                } catch (InterruptedException ex) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while a delegated task ran", ex);
                }
            }
            return null;
        }

        @Override
        public SSLEngineResult wrap(ByteBuffer[] srcs, int offset, int length, ByteBuffer dst) throws SSLException {
            return e.wrap(srcs, offset, length, dst);
        }

        @Override
        public SSLEngineResult unwrap(ByteBuffer src, ByteBuffer[] dsts, int offset, int length) throws SSLException {
            return e.unwrap(src, dsts, offset, length);
        }

        @Override
        public void closeInbound() throws SSLException {
            e.closeInbound();
        }

        @Override
        public boolean isInboundDone() {
            return e.isInboundDone();
        }

        @Override
        public void closeOutbound() {
            e.closeOutbound();
        }

        @Override
        public boolean isOutboundDone() {
            return e.isOutboundDone();
        }

        @Override
        public String[] getSupportedCipherSuites() {
            return e.getSupportedCipherSuites();
        }

        @Override
        public String[] getEnabledCipherSuites() {
            return e.getEnabledCipherSuites();
        }

        @Override
        public void setEnabledCipherSuites(String[] suites) {
            e.setEnabledCipherSuites(suites);
        }

        @Override
        public String[] getSupportedProtocols() {
            return e.getSupportedProtocols();
        }

        @Override
        public String[] getEnabledProtocols() {
            return e.getEnabledProtocols();
        }

        @Override
        public void setEnabledProtocols(String[] protocols) {
            e.setEnabledProtocols(protocols);
        }

        @Override
        public SSLSession getSession() {
            return e.getSession();
        }

        @Override
        public SSLSession getHandshakeSession() {
            return e.getHandshakeSession();
        }

        @Override
        public void beginHandshake() throws SSLException {
            e.beginHandshake();
        }

        @Override
        public SSLEngineResult.HandshakeStatus getHandshakeStatus() {
            return e.getHandshakeStatus();
        }

        @Override
        public void setUseClientMode(boolean mode) {
            e.setUseClientMode(mode);
        }

        @Override
        public boolean getUseClientMode() {
            return e.getUseClientMode();
        }

        @Override
        public void setNeedClientAuth(boolean need) {
            e.setNeedClientAuth(need);
        }

        @Override
        public boolean getNeedClientAuth() {
            return e.getNeedClientAuth();
        }

        @Override
        public void setWantClientAuth(boolean want) {
            e.setWantClientAuth(want);
        }

        @Override
        public boolean getWantClientAuth() {
            return e.getWantClientAuth();
        }

        @Override
        public void setEnableSessionCreation(boolean flag) {
            e.setEnableSessionCreation(flag);
        }

        @Override
        public boolean getEnableSessionCreation() {
            return e.getEnableSessionCreation();
        }

        @Override
        public SSLParameters getSSLParameters() {
            return e.getSSLParameters();
        }

        @Override
        public void setSSLParameters(SSLParameters params) {
            e.setSSLParameters(params);
        }

        @Override
        public String getApplicationProtocol() {
            return e.getApplicationProtocol();
        }

        @Override
        public String getHandshakeApplicationProtocol() {
            return e.getHandshakeApplicationProtocol();
        }

        @Override
        public void setHandshakeApplicationProtocolSelector(BiFunction<SSLEngine, java.util.List<String>, String> selector) {
            e.setHandshakeApplicationProtocolSelector(selector);
        }

        @Override
        public BiFunction<SSLEngine, java.util.List<String>, String> getHandshakeApplicationProtocolSelector() {
            return e.getHandshakeApplicationProtocolSelector();
        }
    }
}
