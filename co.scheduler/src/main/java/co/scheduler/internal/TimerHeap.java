package co.scheduler.internal;

import co.api.spi.IoTimer;
import java.util.Arrays;

/**
 * A binary min-heap of {@link IoTimer}s by deadline with O(log n) removal. Owned by one scheduling
 * thread: every method must be called on it (coroutines of that scheduler run on it too).
 */
final class TimerHeap {

    private IoTimer[] heap = new IoTimer[64];
    private int size;

    int size() {
        return size;
    }

    void add(IoTimer t) {
        if (size == heap.length) {
            heap = Arrays.copyOf(heap, size * 2);
        }
        heap[size] = t;
        t.heapIndex(size);
        up(size++);
    }

    /**
     * Removes {@code t} if it is in the heap.
     *
     * @param t the timer
     */
    void remove(IoTimer t) {
        int i = t.heapIndex();
        if (i < 0 || i >= size || heap[i] != t) {
            return;
        }
        t.heapIndex(-1);
        IoTimer last = heap[--size];
        heap[size] = null;
        if (i != size) {
            heap[i] = last;
            last.heapIndex(i);
            down(i);
            up(last.heapIndex());
        }
    }

    /**
     * Fires every timer whose deadline is at or before {@code now}, earliest first.
     *
     * @param now the current {@link System#nanoTime()}
     * @return how many fired
     */
    int fireDue(long now) {
        int fired = 0;
        while (size > 0 && heap[0].deadline() - now <= 0) {
            IoTimer t = heap[0];
            remove(t);
            t.fire();
            fired++;
        }
        return fired;
    }

    /**
     * Milliseconds until the earliest deadline, rounded up so that a wait of that length does not
     * wake early; -1 if the heap is empty.
     *
     * @param now the current {@link System#nanoTime()}
     * @return the delay, 0 if a timer is already due
     */
    long millisUntilNext(long now) {
        if (size == 0) {
            return -1;
        }
        long left = heap[0].deadline() - now;
        return left <= 0 ? 0 : (left + 999_999) / 1_000_000;
    }

    private void up(int i) {
        IoTimer t = heap[i];
        while (i > 0) {
            int p = (i - 1) >>> 1;
            IoTimer parent = heap[p];
            if (parent.deadline() - t.deadline() <= 0) {
                break;
            }
            heap[i] = parent;
            parent.heapIndex(i);
            i = p;
        }
        heap[i] = t;
        t.heapIndex(i);
    }

    private void down(int i) {
        IoTimer t = heap[i];
        int half = size >>> 1;
        while (i < half) {
            int c = 2 * i + 1;
            int r = c + 1;
            if (r < size && heap[r].deadline() - heap[c].deadline() < 0) {
                c = r;
            }
            if (t.deadline() - heap[c].deadline() <= 0) {
                break;
            }
            heap[i] = heap[c];
            heap[i].heapIndex(i);
            i = c;
        }
        heap[i] = t;
        t.heapIndex(i);
    }
}
