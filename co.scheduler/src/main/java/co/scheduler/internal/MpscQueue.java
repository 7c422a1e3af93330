package co.scheduler.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * An unbounded multi-producer single-consumer queue (Vyukov's linked queue): {@link #offer} from any
 * thread, {@link #poll} and {@link #isEmpty} from the one consumer thread only.
 *
 * @param <E> the element type
 */
final class MpscQueue<E> {

    private static final VarHandle TAIL;
    private static final VarHandle NEXT;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            TAIL = l.findVarHandle(MpscQueue.class, "tail", Node.class);
            NEXT = l.findVarHandle(Node.class, "link", Node.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /**
     * A queue node. An element may be its own node (a subclass whose {@code value} is itself, see
     * {@link #offerNode}): one object less per offer.
     */
    static class Node<E> {
        E value;
        @SuppressWarnings("unused") // accessed through NEXT
        private Node<E> link;

        Node(E value) {
            this.value = value;
        }
    }

    /** Consumer-owned: the last node consumed (a stub holding no value). */
    private Node<E> head;
    /** Swapped by producers with getAndSet; read by the consumer with a volatile read. */
    @SuppressWarnings("unused") // accessed through TAIL
    private volatile Node<E> tail;

    MpscQueue() {
        Node<E> stub = new Node<>(null);
        head = stub;
        tail = stub;
    }

    /**
     * Adds {@code e}; any thread, never blocks.
     *
     * @param e the element, not null
     */
    void offer(E e) {
        offerNode(new Node<>(e));
    }

    /**
     * Adds a node made by the caller, whose {@code value} is the element (an element that is its
     * own node); any thread, never blocks. A node is offered once: the queue keeps a reference to
     * it until the consumer has taken the next one.
     *
     * @param n the node, its value set
     */
    @SuppressWarnings("unchecked")
    void offerNode(Node<E> n) {
        // getAndSet orders the node's construction (value) before it becomes reachable from tail.
        Node<E> prev = (Node<E>) TAIL.getAndSet(this, n);
        // Release: the consumer's acquire read of next then sees n.value.
        NEXT.setRelease(prev, n);
    }

    /**
     * Removes the oldest element; consumer thread only.
     *
     * @return the element, or null if none is (fully) linked yet
     */
    @SuppressWarnings("unchecked")
    E poll() {
        Node<E> h = head;
        Node<E> next = (Node<E>) NEXT.getAcquire(h);
        if (next == null) {
            return null;
        }
        E v = next.value;
        next.value = null;
        head = next;
        return v;
    }

    /**
     * Tells whether the queue holds nothing, counting elements a producer is still linking as
     * present; consumer thread only. The volatile read of {@code tail} makes this usable in the
     * sleep/wake-up handshake (see {@code AffineScheduler}).
     *
     * @return true if empty
     */
    boolean isEmpty() {
        return head == tail;
    }

    /**
     * Counts the elements, up to {@code limit}; any thread. From a thread other than the consumer it
     * is an estimate (the consumer may be taking elements meanwhile): for metrics only.
     *
     * @param limit the most to count
     * @return the count, at most {@code limit}
     */
    @SuppressWarnings("unchecked")
    int sizeEstimate(int limit) {
        int n = 0;
        for (Node<E> x = (Node<E>) NEXT.getAcquire(head); x != null && n < limit; x = (Node<E>) NEXT.getAcquire(x)) {
            n++;
        }
        return n;
    }
}
