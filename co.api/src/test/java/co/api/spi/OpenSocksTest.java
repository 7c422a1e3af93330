package co.api.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import co.api.Sock;
import java.lang.ref.WeakReference;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The open-socket set a transport bundle closes when it stops. */
@Timeout(30)
class OpenSocksTest {

    /** Sockets closed by {@link OpenSocks#closeAll()}, in order. */
    private final List<String> closed = new ArrayList<>();

    /** A Sock that records its close; equal to every other fake, to prove identity is what counts. */
    private Sock sock(String name) {
        AtomicBoolean open = new AtomicBoolean(true);
        return (Sock) Proxy.newProxyInstance(Sock.class.getClassLoader(), new Class<?>[] {Sock.class}, (p, m, a) -> {
            switch (m.getName()) {
                case "close" -> {
                    if (open.getAndSet(false)) {
                        closed.add(name);
                    }
                    return null;
                }
                case "isOpen" -> {
                    return open.get();
                }
                case "equals" -> {
                    return a[0] instanceof Sock;
                }
                case "hashCode" -> {
                    return 1;
                }
                case "toString" -> {
                    return name;
                }
                default -> throw new UnsupportedOperationException(m.getName());
            }
        });
    }

    @Test
    void untilTrackIsCalledNothingIsRecorded() {
        OpenSocks open = new OpenSocks("t");
        open.add(sock("a"));
        assertFalse(open.isTracking());
        assertEquals(0, open.size());
        assertEquals(0, open.closeAll());
        assertEquals(List.of(), closed);
    }

    @Test
    void closeAllClosesTheOpenSocketsNewestFirstAndStopsTracking() {
        OpenSocks open = new OpenSocks("t");
        open.track();
        Sock a = sock("a");
        Sock b = sock("b");
        Sock c = sock("c");
        Sock d = sock("d");
        for (Sock s : List.of(a, b, c, d)) {
            open.add(s);
        }
        open.remove(b);                                  // closed by its user: forgotten
        c.close();                                       // closed without remove: not closed twice
        closed.clear();
        assertEquals(3, open.size());
        assertEquals(2, open.closeAll());
        assertEquals(List.of("d", "a"), closed);
        assertFalse(open.isTracking());
        open.add(sock("late"));
        assertEquals(0, open.size());
        open.track();
        open.add(sock("again"));
        assertEquals(1, open.size());
    }

    @Test
    void aSocketDroppedWithoutCloseIsNotKeptAlive() throws Exception {
        OpenSocks open = new OpenSocks("t");
        open.track();
        Sock s = sock("dropped");
        WeakReference<Sock> ref = new WeakReference<>(s);
        open.add(s);
        s = null;
        for (int i = 0; i < 100 && ref.get() != null; i++) {
            System.gc();
            Thread.sleep(10);
        }
        assertTrue(ref.get() == null, "the set kept a dropped socket alive");
        assertEquals(0, open.size());
        assertEquals(0, open.closeAll());
    }
}
