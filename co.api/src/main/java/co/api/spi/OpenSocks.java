package co.api.spi;

import co.api.Sock;
import java.lang.System.Logger.Level;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The open sockets of one transport, held weakly, so that they can all be closed when the code that
 * made them goes away: inside an OSGi framework, when the transport's bundle stops (see
 * {@link co.api.spi.osgi.ProviderActivator}). A coroutine blocked on such a socket wakes as when any
 * other thread closes it (co's transports: {@code recv} returns -1 and {@code accept} null, with
 * {@link co.api.Errno#EBADF}), and every later call fails the same way.
 *
 * <p>A transport keeps one instance (a {@code static final} field), calls {@link #add} when it has
 * made a socket (created or accepted) and {@link #remove} when the socket closes. Nothing else: no
 * call on the {@code recv}/{@code send} path. Tracking is off until {@link #track()} is called (by
 * the transport bundle's activator when it starts), so outside a framework {@code add} and
 * {@code remove} cost one volatile read and hold nothing. A socket that is dropped without being
 * closed is not kept alive by this set.
 *
 * <p>Thread safety: every method may be called from any thread. {@code add} and {@code remove} take
 * a short lock while tracking is on (once per socket, beside the system calls that open and close
 * it); {@link #closeAll()} closes the sockets outside that lock.
 */
public final class OpenSocks {

    private static final System.Logger LOG = System.getLogger("co");

    private final String transport;
    /** Whether add/remove record; written under the lock, read without it first (fast path). */
    private volatile boolean tracking;
    /** Guarded by {@code this}. */
    private final Set<Key> socks = new LinkedHashSet<>();
    /** Guarded by {@code this}: counts adds, to drop the references of collected sockets now and then. */
    private int sinceSweep;

    /**
     * Creates an empty set that does not track yet.
     *
     * @param transport the transport's name, for log messages
     */
    public OpenSocks(String transport) {
        this.transport = transport;
    }

    /** Starts recording sockets passed to {@link #add}; called when the transport's bundle starts. */
    public synchronized void track() {
        tracking = true;
    }

    /**
     * Tells whether sockets are being recorded (between {@link #track()} and {@link #closeAll()}).
     *
     * @return true if {@link #add} records
     */
    public boolean isTracking() {
        return tracking;
    }

    /**
     * Records a socket the transport has just made; does nothing while not tracking. May be called
     * from the socket's constructor: it only keeps a weak reference.
     *
     * @param sock the new socket
     */
    public void add(Sock sock) {
        if (!tracking) {
            return;
        }
        synchronized (this) {
            if (!tracking) {
                return;
            }
            if (++sinceSweep >= 1024) {
                sinceSweep = 0;
                socks.removeIf(k -> k.get() == null);
            }
            socks.add(new Key(sock));
        }
    }

    /**
     * Forgets a socket that is closing; does nothing while not tracking or for a socket never added.
     *
     * @param sock the socket
     */
    public void remove(Sock sock) {
        if (!tracking) {
            return;
        }
        synchronized (this) {
            socks.remove(new Key(sock));
        }
    }

    /**
     * Stops tracking and closes every recorded socket that is still open, as {@link Sock#close()}
     * does from another thread: waiters wake with -1 and {@link co.api.Errno#EBADF}. Sockets made
     * afterwards are not recorded until {@link #track()} is called again.
     *
     * <p>The newest socket is closed first, so an accepted connection is closed before the listener
     * and the client socket that led to it. A coroutine blocked on a socket whose peer is also a
     * socket of this transport (both ends in this process) may still see the peer's close first if
     * the peer is the newer one: then it gets what a closed peer gives ({@code recv} returns 0),
     * and its next call fails with {@code EBADF}.
     *
     * @return how many sockets were closed
     */
    public int closeAll() {
        List<Sock> open = new ArrayList<>();
        synchronized (this) {
            tracking = false;
            for (Key k : socks) {
                Sock s = k.get();
                if (s != null) {
                    open.add(s);
                }
            }
            socks.clear();
            sinceSweep = 0;
        }
        Collections.reverse(open);
        int closed = 0;
        for (Sock s : open) {
            if (!s.isOpen()) {
                continue;
            }
            try {
                s.close();
                closed++;
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "co: closing a socket of transport '" + transport + "' failed: " + e, e);
            }
        }
        if (closed > 0) {
            LOG.log(Level.DEBUG, () -> "co: transport '" + transport + "' stopped; closed its open sockets");
        }
        return closed;
    }

    /**
     * Returns how many recorded sockets are still reachable (open or not yet collected); for tests
     * and diagnostics.
     *
     * @return the count
     */
    public synchronized int size() {
        int n = 0;
        for (Key k : socks) {
            n += k.get() == null ? 0 : 1;
        }
        return n;
    }

    /** A weak reference compared by the identity of its referent (a Sock may define equals). */
    private static final class Key extends WeakReference<Sock> {
        private final int hash;

        Key(Sock sock) {
            super(sock);
            this.hash = System.identityHashCode(sock);
        }

        @Override
        public int hashCode() {
            return hash;
        }

        @Override
        public boolean equals(Object o) {
            if (this == o) {
                return true;
            }
            if (!(o instanceof Key k)) {
                return false;
            }
            Sock mine = get();
            return mine != null && mine == k.get();
        }
    }
}
