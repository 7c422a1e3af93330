package co.sync;

import co.sync.internal.SyncWaiter;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The algorithm behind {@link Chan#select}, after Go's {@code selectgo}.
 *
 * <ol>
 *   <li>Lock every channel involved, in channel-id order (so two selects never deadlock).</li>
 *   <li>Visit the cases in a random order and perform the first that is ready (fairness).</li>
 *   <li>If none is and the caller may wait: queue one node per case, all owned by one
 *       {@link SyncWaiter}, unlock, and park. The first counterpart to {@link SyncWaiter#claim claim} that
 *       waiter performs its case; the others find it claimed and skip its nodes.</li>
 *   <li>After waking (or timing out, when {@link SyncWaiter#cancel} wins): lock everything again and
 *       unlink the nodes still queued.</li>
 * </ol>
 */
final class Select {

    private Select() {
    }

    /**
     * Runs a select.
     *
     * @param cases the cases
     * @param nanos the longest wait; negative for forever, 0 for a default case
     * @return the case performed, or -1
     */
    static int select(Chan.Case<?>[] cases, long nanos) {
        int n = cases.length;
        for (Chan.Case<?> c : cases) {
            Objects.requireNonNull(c, "case");
        }
        if (n == 0) {
            if (nanos < 0) {
                throw new IllegalArgumentException("select with no case would wait forever");
            }
            if (nanos != 0) {
                // Nothing can ever fire: this is a sleep that nobody can cut short.
                new SyncWaiter(Thread.currentThread()).await(nanos);
            }
            return -1;
        }
        Chan<?>[] locks = lockOrder(cases);
        int[] order = pollOrder(n);
        SyncWaiter self;
        Chan.Node[] nodes;
        lockAll(locks);
        try {
            for (int k : order) {
                Chan.Case<?> c = cases[k];
                if (c.send) {
                    if (c.chan.closedLocked()) {
                        throw Chan.sendOnClosed();
                    }
                    if (c.chan.sendLocked(c.out)) {
                        return k;
                    }
                } else {
                    Object r = c.chan.recvLocked();
                    if (r != Chan.NOT_READY) {
                        c.received(r);
                        return k;
                    }
                }
            }
            if (nanos == 0) {
                return -1;
            }
            self = new SyncWaiter(Thread.currentThread());
            nodes = new Chan.Node[n];
            for (int k = 0; k < n; k++) {
                Chan.Node node = new Chan.Node(self, k);
                Chan.Case<?> c = cases[k];
                if (c.send) {
                    node.item = c.out;
                }
                nodes[k] = node;
                c.chan.enqueueLocked(node, c.send);
            }
        } finally {
            unlockAll(locks);
        }
        boolean fired = self.await(nanos, true);
        lockAll(locks);
        try {
            for (int k = 0; k < n; k++) {
                cases[k].chan.removeLocked(nodes[k], cases[k].send);
            }
        } finally {
            unlockAll(locks);
        }
        if (!fired) {
            return -1;
        }
        int k = self.state();
        Chan.Case<?> c = cases[k];
        if (c.send) {
            if (nodes[k].closed) {
                throw Chan.sendOnClosed();
            }
        } else {
            c.receivedFrom(nodes[k]);
        }
        return k;
    }

    /** A random permutation of the case indices. */
    private static int[] pollOrder(int n) {
        int[] order = new int[n];
        ThreadLocalRandom random = ThreadLocalRandom.current();
        for (int i = 0; i < n; i++) {
            int j = random.nextInt(i + 1);
            order[i] = order[j];
            order[j] = i;
        }
        return order;
    }

    /** The distinct channels of the cases, sorted by id. */
    private static Chan<?>[] lockOrder(Chan.Case<?>[] cases) {
        Chan<?>[] sorted = new Chan<?>[cases.length];
        int size = 0;
        next:
        for (Chan.Case<?> c : cases) {
            Chan<?> ch = c.chan;
            for (int j = 0; j < size; j++) {
                if (sorted[j] == ch) {
                    continue next;
                }
            }
            int i = size;
            while (i > 0 && sorted[i - 1].id() > ch.id()) {
                sorted[i] = sorted[i - 1];
                i--;
            }
            sorted[i] = ch;
            size++;
        }
        if (size == sorted.length) {
            return sorted;
        }
        Chan<?>[] distinct = new Chan<?>[size];
        System.arraycopy(sorted, 0, distinct, 0, size);
        return distinct;
    }

    private static void lockAll(Chan<?>[] locks) {
        for (Chan<?> ch : locks) {
            ch.lock();
        }
    }

    private static void unlockAll(Chan<?>[] locks) {
        for (int i = locks.length - 1; i >= 0; i--) {
            locks[i].unlockAndWake();
        }
    }
}
