package co.itests.osgi;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;
import static org.ops4j.pax.exam.CoreOptions.bundle;
import static org.ops4j.pax.exam.CoreOptions.junitBundles;
import static org.ops4j.pax.exam.CoreOptions.options;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;
import static org.ops4j.pax.exam.CoreOptions.vmOption;

import co.api.Co;
import co.api.Errno;
import co.api.Sock;
import co.api.Transport;
import co.api.spi.TransportProvider;
import co.itests.osgi.custom.CustomTransportActivator;
import co.sync.Chan;
import co.sync.WaitGroup;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.inject.Inject;
import org.junit.Test;
import org.ops4j.pax.exam.Option;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;

/**
 * co as OSGi bundles in a real framework, under Pax Exam: the tests run inside the framework (in
 * Pax Exam's probe bundle, which sees co only through the packages it imports, as a user's bundle
 * would), in a JVM forked per test class and configuration. Subclasses choose the framework (their
 * {@code @ExamFactory}) and the configurations: with or without the affine scheduler's
 * {@code --add-opens} flag, with or without Apache Aries SPI Fly.
 *
 * <p>co's bundles are the jars the reactor built ({@code file:} URLs into {@code target/co-modules},
 * from the system property {@code co.modules}); third-party bundles are copies of Maven artifacts.
 */
public abstract class CoInFramework {

    /** The co bundles installed and started with the framework. */
    static final List<String> CO_BUNDLES =
            List.of("co.api", "co.scheduler", "co.sync", "co.net.nio", "co.net.tls", "co.net.linux");

    /** The system property (in the framework's JVM) naming the expected scheduler provider. */
    static final String EXPECTED_SCHEDULER = "co.itest.scheduler";
    /** The system property (in the framework's JVM) saying whether SPI Fly is installed. */
    static final String WITH_SPIFLY = "co.itest.spifly";
    /** The system property (in the framework's JVM): the location of the co.net.mem bundle. */
    static final String MEM_BUNDLE = "co.itest.mem";

    @Inject
    private BundleContext context;

    // ------------------------------------------------------------ configuration (runs in the driver)

    /**
     * The options of one framework JVM.
     *
     * @param affine whether the JVM gets {@code --add-opens java.base/java.lang=ALL-UNNAMED}
     * @param spifly whether SPI Fly (and the ASM bundles it needs) is installed
     * @return the options
     */
    static Option[] frameworkOptions(boolean affine, boolean spifly) {
        List<Option> o = new ArrayList<>(jvmOptions(affine, spifly));
        if (spifly) {
            Path bundles = Paths.get(System.getProperty("co.osgi")).resolve("bundles");
            for (String asm : List.of("asm", "asm-tree", "asm-analysis", "asm-commons", "asm-util")) {
                o.add(bundle(jar(bundles, asm).toUri().toString()));
            }
            o.add(bundle(jar(bundles, "org.apache.aries.spifly.dynamic.bundle").toUri().toString()));
        }
        Path modules = Paths.get(System.getProperty("co.modules"));
        for (String b : CO_BUNDLES) {
            o.add(bundle(jar(modules, b).toUri().toString()));
        }
        o.add(junitBundles());
        return options(o.toArray(Option[]::new));
    }

    /**
     * The JVM flags and system properties of one framework JVM.
     *
     * @param affine whether the JVM gets {@code --add-opens java.base/java.lang=ALL-UNNAMED}
     * @param spifly whether SPI Fly will be installed (the tests check it)
     * @return the options
     */
    static List<Option> jvmOptions(boolean affine, boolean spifly) {
        List<Option> o = new ArrayList<>();
        if (affine) {
            // Inside a framework co.scheduler is not a named module: open java.lang to the unnamed ones.
            o.add(vmOption("--add-opens"));
            o.add(vmOption("java.base/java.lang=ALL-UNNAMED"));
        }
        // co.net.linux calls the C library through java.lang.foreign: inside a framework its classes
        // are in the bundle's unnamed module, so native access is enabled for ALL-UNNAMED.
        o.add(vmOption("--enable-native-access=ALL-UNNAMED"));
        o.add(vmOption("-Xss1m"));
        o.add(vmOption("-XX:TieredStopAtLevel=1"));
        Path tls = TestKeys.get();
        o.add(systemProperty("co.sched_num").value("2"));
        // Pax Exam's own bundles log through pax-logging at DEBUG by default: keep the framework's
        // output (and the surefire report that captures it) to warnings.
        o.add(systemProperty("org.ops4j.pax.logging.DefaultServiceLog.level").value("WARN"));
        o.add(systemProperty("co.tls.keyStore").value(tls.resolve("server.p12").toString()));
        o.add(systemProperty("co.tls.keyStorePassword").value("secret"));
        o.add(systemProperty("co.tls.trustPem").value(tls.resolve("server.pem").toString()));
        o.add(systemProperty(EXPECTED_SCHEDULER).value(affine ? "affine" : "virtual"));
        o.add(systemProperty(WITH_SPIFLY).value(Boolean.toString(spifly)));
        Path modules = Paths.get(System.getProperty("co.modules"));
        o.add(systemProperty(MEM_BUNDLE).value(jar(modules, "co.net.mem").toUri().toString()));
        return o;
    }

    static Path jar(Path dir, String prefix) {
        return jar(dir, prefix, ".jar");
    }

    static Path jar(Path dir, String prefix, String suffix) {
        try (Stream<Path> s = Files.list(dir)) {
            List<Path> found = s.filter(p -> p.getFileName().toString()
                    .matches(Pattern.quote(prefix) + "-\\d.*" + Pattern.quote(suffix))).toList();
            if (found.size() != 1) {
                throw new IllegalStateException("want one " + prefix + " jar in " + dir + ", found " + found);
            }
            return found.get(0);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    // ------------------------------------------------------------ the tests (run in the framework)

    /** Every co bundle, and SPI Fly where installed, is resolved and active. */
    @Test(timeout = 60_000)
    public void everyCoBundleResolvesAndStarts() {
        Set<String> active = new TreeSet<>();
        for (Bundle b : context.getBundles()) {
            if (b.getState() == Bundle.ACTIVE) {
                active.add(b.getSymbolicName());
            }
        }
        assertTrue(active.toString(), active.containsAll(CO_BUNDLES));
        assertEquals(active.toString(), Boolean.getBoolean(WITH_SPIFLY),
                active.contains("org.apache.aries.spifly.dynamic.bundle"));
    }

    /**
     * With the flag coroutines run on the affine scheduler, without it on the virtual fallback; ids
     * keep their relation with scheduler ids either way.
     *
     * @throws Exception on a failure
     */
    @Test(timeout = 60_000)
    public void coroutinesRunOnTheExpectedSchedulerProvider() throws Exception {
        assertEquals(System.getProperty(EXPECTED_SCHEDULER), Co.runtime().name());
        int count = 1000;
        CountDownLatch done = new CountDownLatch(count);
        AtomicLong bad = new AtomicLong();
        for (int i = 0; i < count; i++) {
            Co.go(() -> {
                Co.sleep(1);
                if (Co.coroutineId() % Co.schedulerNum() != Co.schedulerId()) {
                    bad.incrementAndGet();
                }
                done.countDown();
            });
        }
        assertTrue(done.await(30, TimeUnit.SECONDS));
        assertEquals(0, bad.get());
        assertEquals(2, Co.schedulerNum());
    }

    /**
     * co.sync's channel and wait group work between coroutines.
     *
     * @throws Exception on a failure
     */
    @Test(timeout = 60_000)
    public void coSyncWorksBetweenCoroutines() throws Exception {
        WaitGroup wg = new WaitGroup();
        Chan<Integer> chan = new Chan<>(8);
        AtomicLong sum = new AtomicLong();
        wg.add(2);
        Co.go(() -> {
            for (int i = 1; i <= 100; i++) {
                chan.send(i);
            }
            chan.close();
            wg.done();
        });
        Co.go(() -> {
            for (Integer v = chan.recv(); v != null; v = chan.recv()) {
                sum.addAndGet(v);
            }
            wg.done();
        });
        assertTrue(wg.await(10_000));
        assertEquals(5050, sum.get());
    }

    /**
     * An echo over nio.
     *
     * @throws Exception on a failure
     */
    @Test(timeout = 60_000)
    public void echoOverNio() throws Exception {
        assertEquals("ok 1400 bytes via nio", echo(Co.transport("nio")));
    }

    /**
     * An echo over tls (key and trust from the {@code co.tls.*} system properties).
     *
     * @throws Exception on a failure
     */
    @Test(timeout = 60_000)
    public void echoOverTls() throws Exception {
        assertEquals("ok 1400 bytes via tls", echo(Co.transport("tls")));
    }

    /**
     * An echo over epoll (co.net.linux through java.lang.foreign, found in the service registry or
     * through SPI Fly), on the scheduler provider the configuration expects.
     *
     * @throws Exception on a failure
     */
    @Test(timeout = 60_000)
    public void echoOverEpoll() throws Exception {
        assertEquals(System.getProperty(EXPECTED_SCHEDULER), Co.runtime().name());
        Transport epoll = Co.transport("epoll");
        assertTrue(String.valueOf(Co.transport("epoll").getClass()), epoll.getClass().getName().startsWith("co.net.linux."));
        assertEquals("ok 1400 bytes via epoll", echo(epoll));
    }

    /**
     * With SPI Fly a provider is found both through the woven ServiceLoader and in the service
     * registry; co names each provider once. Without SPI Fly the registry alone finds them.
     *
     * @throws Exception on a failure
     */
    @Test(timeout = 60_000)
    public void eachProviderIsFoundOnceWithOrWithoutSpiFly() throws Exception {
        String found = missing("no-such-transport");
        assertTrue(found, found.startsWith("co: no such transport 'no-such-transport' (found: ["));
        String names = found.substring(found.indexOf('[') + 1, found.indexOf(']'));
        List<String> list = Arrays.asList(names.split(", "));
        assertEquals(found, new TreeSet<>(list).size(), list.size());
        assertTrue(found, list.contains("nio") && list.contains("tls"));
        // co's own bundles register their providers as services in any case.
        int nio = 0;
        for (ServiceReference<TransportProvider> r : context.getServiceReferences(TransportProvider.class, null)) {
            TransportProvider p = context.getService(r);
            try {
                nio += p != null && p.name().equals("nio") ? 1 : 0;
            } finally {
                context.ungetService(r);
            }
        }
        assertTrue("nio services: " + nio, nio >= 1);
    }

    /**
     * A transport bundle installed at run time is found by name and works; stopped, it is a clear
     * "no such transport" error, and a socket it made fails cleanly; started again, it is back;
     * uninstalled, it is gone.
     *
     * @throws Exception on a failure
     */
    @Test(timeout = 60_000)
    public void aTransportBundleInstalledAtRunTimeComesAndGoes() throws Exception {
        assertTrue(missing("mem").startsWith("co: no such transport 'mem'"));
        Bundle mem = context.installBundle(System.getProperty(MEM_BUNDLE));
        try {
            mem.start();
            assertEquals("mem", Co.transport("mem").name());
            assertEquals("ok 1400 bytes via mem", echo(Co.transport("mem")));
            Sock left = Co.transport("mem").socket(StandardProtocolFamily.INET, Sock.Type.STREAM);
            mem.stop();
            String gone = missing("mem");
            assertTrue(gone, gone.startsWith("co: no such transport 'mem' (found: [") && !gone.contains("mem]")
                    && !gone.contains("mem,"));
            // A socket of the stopped bundle was closed by the stop: every call fails with EBADF.
            assertSocketFailsCleanly(left);
            mem.start();
            assertEquals("ok 1400 bytes via mem", echo(Co.transport("mem")));
        } finally {
            mem.uninstall();
        }
        assertTrue(missing("mem").startsWith("co: no such transport 'mem'"));
    }

    /**
     * Stopping a transport bundle closes the sockets it made: a coroutine blocked in {@code recv} on
     * one wakes at once with -1 and {@code EBADF} (not at its 20 s timeout), later calls on it and on
     * the other sockets of the bundle fail with {@code EBADF}, and the next lookup of the transport
     * fails with "no such transport". Started again, the transport serves new sockets.
     *
     * @throws Exception on a failure
     */
    @Test(timeout = 60_000)
    public void stoppingATransportBundleClosesItsSocketsAndWakesABlockedRecv() throws Exception {
        Bundle mem = context.installBundle(System.getProperty(MEM_BUNDLE));
        try {
            mem.start();
            assertStopClosesSockets(mem, "mem");
        } finally {
            mem.uninstall();
        }
    }

    /**
     * The same for co.net.linux (epoll and uring sockets share one set): stopping the bundle closes
     * its epoll sockets and wakes a coroutine blocked in {@code recv} on one with {@code EBADF}.
     *
     * @throws Exception on a failure
     */
    @Test(timeout = 60_000)
    public void stoppingCoNetLinuxClosesItsEpollSockets() throws Exception {
        Bundle linux = Arrays.stream(context.getBundles())
                .filter(b -> "co.net.linux".equals(b.getSymbolicName())).findFirst().orElseThrow();
        try {
            assertStopClosesSockets(linux, "epoll");
        } finally {
            linux.start();
        }
    }

    private void assertStopClosesSockets(Bundle bundle, String name) throws Exception {
        Transport t = Co.transport(name);
        Sock server = t.socket(StandardProtocolFamily.INET, Sock.Type.STREAM);
        assertEquals(0, server.bind(Co.initIpAddr("127.0.0.1", 0)));
        assertEquals(0, server.listen());
        CompletableFuture<Sock> accepted = new CompletableFuture<>();
        Co.go(() -> accepted.complete(server.accept(10_000)));
        Sock client = t.socket(StandardProtocolFamily.INET, Sock.Type.STREAM);
        CompletableFuture<Integer> connected = new CompletableFuture<>();
        Co.go(() -> connected.complete(client.connect(server.localAddress(), 10_000)));
        assertEquals(Integer.valueOf(0), connected.get(30, TimeUnit.SECONDS));
        Sock conn = accepted.get(30, TimeUnit.SECONDS);
        assertNotNull(conn);

        CompletableFuture<Thread> receiver = new CompletableFuture<>();
        CompletableFuture<String> blocked = new CompletableFuture<>();
        Co.go(() -> {
            receiver.complete(Thread.currentThread());
            long start = System.nanoTime();
            int n = conn.recv(ByteBuffer.allocate(16), 20_000);
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            blocked.complete(n + " " + Co.error() + " timeout=" + Co.timeout() + (ms < 10_000 ? " fast" : " " + ms + " ms"));
        });
        Thread r = receiver.get(30, TimeUnit.SECONDS);
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (r.getState() != Thread.State.TIMED_WAITING && r.getState() != Thread.State.WAITING) {
            assertTrue("the receiver never parked: " + r.getState(), System.nanoTime() < end && !blocked.isDone());
            Thread.sleep(1);
        }

        bundle.stop();
        assertEquals("-1 " + Errno.EBADF + " timeout=false fast", blocked.get(10, TimeUnit.SECONDS));
        String gone = missing(name);
        assertTrue(gone, gone.startsWith("co: no such transport '" + name + "' (found: ["));
        for (Sock s : List.of(server, client, conn)) {
            assertTrue(s + " still open", !s.isOpen());
        }
        CompletableFuture<String> after = new CompletableFuture<>();
        Co.go(() -> {
            int recv = client.recv(ByteBuffer.allocate(16), 1_000);
            int recvError = Co.error();
            int sent = client.send(ByteBuffer.wrap(new byte[] {1}), 1_000);
            int sendError = Co.error();
            Sock none = server.accept(1_000);
            after.complete(recv + "/" + recvError + " " + sent + "/" + sendError + " " + none + "/" + Co.error());
        });
        int badf = Errno.EBADF;
        assertEquals("-1/" + badf + " -1/" + badf + " null/" + badf, after.get(30, TimeUnit.SECONDS));

        bundle.start();
        assertEquals("ok 1400 bytes via " + name, echo(Co.transport(name)));
    }

    /**
     * A third-party transport bundle that only registers a service (no META-INF/services, no SPI
     * Fly capability) is found by name and serves an echo; stopped, it is gone.
     *
     * @throws Exception on a failure
     */
    @Test(timeout = 60_000)
    public void aServiceOnlyTransportBundleIsFoundThroughTheRegistry() throws Exception {
        Bundle custom = context.installBundle("co.itests.custom", customTransportBundle());
        try {
            assertTrue(missing("custom").startsWith("co: no such transport 'custom'"));
            custom.start();
            assertNotNull(Co.transport("custom"));
            assertEquals("ok 1400 bytes via nio", echo(Co.transport("custom")));
            custom.stop();
            assertTrue(missing("custom").startsWith("co: no such transport 'custom'"));
        } finally {
            custom.uninstall();
        }
    }

    // ------------------------------------------------------------ helpers

    private static String missing(String name) {
        try {
            Transport t = Co.transport(name);
            fail("found " + t.name());
            return null;
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
    }

    private static void assertSocketFailsCleanly(Sock s) throws Exception {
        CompletableFuture<String> r = new CompletableFuture<>();
        Co.go(() -> {
            try {
                int bound = s.bind(Co.initIpAddr("127.0.0.1", 0));
                int bindError = Co.error();
                int listened = s.listen();
                int listenError = Co.error();
                Sock c = s.accept(0);
                int acceptError = Co.error();
                r.complete("open=" + s.isOpen() + " bind=" + bound + "/" + bindError + " listen=" + listened + "/"
                        + listenError + " accept=" + (c == null ? "null" : "socket") + "/" + acceptError
                        + " close=" + s.close(1_000) + "/" + Co.error());
            } catch (RuntimeException e) {
                r.completeExceptionally(e);
            }
        });
        int badf = Errno.EBADF;
        assertEquals("open=false bind=-1/" + badf + " listen=-1/" + badf + " accept=null/" + badf + " close=-1/" + badf,
                r.get(30, TimeUnit.SECONDS));
    }

    /** The bundle {@code co.itests.custom}, built from this probe's own copy of its classes. */
    private static InputStream customTransportBundle() throws IOException {
        Manifest m = new Manifest();
        Attributes a = m.getMainAttributes();
        a.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        a.putValue("Bundle-ManifestVersion", "2");
        a.putValue("Bundle-SymbolicName", "co.itests.custom");
        a.putValue("Bundle-Version", "1.0.0");
        a.putValue("Bundle-Activator", CustomTransportActivator.class.getName());
        a.putValue("Import-Package", "co.api, co.api.spi, org.osgi.framework");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (JarOutputStream jar = new JarOutputStream(bytes, m)) {
            for (Class<?> c : List.of(CustomTransportActivator.class, CustomTransportActivator.Provider.class)) {
                String entry = c.getName().replace('.', '/') + ".class";
                jar.putNextEntry(new JarEntry(entry));
                try (InputStream in = c.getClassLoader().getResourceAsStream(entry)) {
                    jar.write(in.readAllBytes());
                }
                jar.closeEntry();
            }
        }
        return new ByteArrayInputStream(bytes.toByteArray());
    }

    /**
     * An echo server and a client in coroutines over {@code transport}, on 127.0.0.1 (which the
     * "mem" transport takes as a name): 100 round trips of 14 bytes.
     */
    static String echo(Transport transport) throws Exception {
        Sock server = transport.socket(StandardProtocolFamily.INET, Sock.Type.STREAM);
        if (server == null || server.bind(Co.initIpAddr("127.0.0.1", 0)) != 0 || server.listen() != 0) {
            return "fail server: " + Co.strerror();
        }
        try {
            Co.go(() -> {
                Sock conn = server.accept(10_000);
                if (conn == null) {
                    return;
                }
                try (conn) {
                    ByteBuffer b = ByteBuffer.allocate(4096);
                    while (conn.recv(b.clear(), 10_000) > 0) {
                        if (conn.send(b.flip(), 10_000) < 0) {
                            return;
                        }
                    }
                }
            });
            CompletableFuture<String> result = new CompletableFuture<>();
            Co.go(() -> {
                try (Sock s = transport.socket(StandardProtocolFamily.INET, Sock.Type.STREAM)) {
                    if (s.connect(server.localAddress(), 10_000) != 0) {
                        result.complete("fail connect: " + Co.strerror());
                        return;
                    }
                    byte[] msg = "hello over co!".getBytes(StandardCharsets.UTF_8);
                    long total = 0;
                    for (int i = 0; i < 100; i++) {
                        byte[] back = new byte[msg.length];
                        if (s.send(ByteBuffer.wrap(msg), 10_000) != msg.length
                                || s.recvn(ByteBuffer.wrap(back), 10_000) != msg.length) {
                            result.complete("fail echo: " + Co.strerror());
                            return;
                        }
                        if (!Arrays.equals(msg, back)) {
                            result.complete("fail echo: wrong bytes");
                            return;
                        }
                        total += back.length;
                    }
                    result.complete("ok " + total + " bytes via " + s.transport().name());
                } catch (RuntimeException e) {
                    result.complete("fail " + e);
                }
            });
            return result.get(30, TimeUnit.SECONDS);
        } finally {
            server.close();
        }
    }
}
