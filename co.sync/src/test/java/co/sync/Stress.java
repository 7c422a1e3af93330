package co.sync;

/**
 * Sizes and layouts for stress tests. The system property {@code co.sync.stress} (an integer,
 * default 1) multiplies every iteration count: {@code mvn -Pstress} sets it to 5 for soak runs.
 */
final class Stress {

    private static final int FACTOR = Integer.getInteger("co.sync.stress", 1);

    private Stress() {
    }

    /**
     * Scales an iteration count.
     *
     * @param n the count for a CI run
     * @return the count for this run
     */
    static int scale(int n) {
        return n * FACTOR;
    }

    /**
     * Maps task {@code i} of {@code 2 * pairs} tasks to its pair. Tasks go to scheduler {@code i % 2};
     * in every other group of four tasks both members of a pair share a scheduler, in the others they
     * sit on different ones.
     *
     * @param i the task index
     * @param pairs the number of pairs (even)
     * @return the pair index
     */
    static int pairOf(int i, int pairs) {
        int group = i / 4;
        int r = i % 4;
        return 2 * group + (group % 2 == 0 ? r % 2 : r / 2);
    }

    /**
     * Tells whether task {@code i} is the first member of its pair.
     *
     * @param i the task index
     * @param pairs the number of pairs
     * @return true for the first member
     */
    static boolean isFirstOfPair(int i, int pairs) {
        int group = i / 4;
        int r = i % 4;
        return group % 2 == 0 ? r < 2 : r % 2 == 0;
    }

    /**
     * Busy-waits about {@code nanos} nanoseconds without yielding.
     *
     * @param nanos the time
     */
    static void spin(long nanos) {
        long end = System.nanoTime() + nanos;
        while (System.nanoTime() - end < 0) {
            Thread.onSpinWait();
        }
    }
}
