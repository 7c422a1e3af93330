package co.bench;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * The round-rotation harness of the side-by-side benchmarks: every round runs every case once, in
 * an order that rotates from round to round, and each case that has a baseline is compared with
 * that baseline's figure from the same round. On a shared machine the cost of the same work
 * drifts by 2x or more over seconds (the hypervisor moves the virtual CPUs), so figures taken case
 * after case (as JMH takes them) compare different conditions; here the two sides of a ratio are
 * measured moments apart, and the median over rounds shows the ratio, the range shows the drift.
 *
 * <pre>{@code
 * SideBySide.Case base = new SideBySide.Case("SynchronousQueue, JDK VT", N, () -> jdkPingPong(N));
 * List<SideBySide.Case> cases = List.of(base, base.against("  Chan(0), affine", () -> coPingPong(N)));
 * System.out.print(SideBySide.table(cases, SideBySide.run(cases, 15, 5)));
 * }</pre>
 *
 * <p>Not thread-safe: one run at a time, from one thread.
 */
public final class SideBySide {

    private SideBySide() {
    }

    /** One timed run of a case. */
    @FunctionalInterface
    public interface Body {
        /**
         * Runs the case's work once.
         *
         * @throws Exception if the case fails; the whole run fails
         */
        void run() throws Exception;
    }

    /**
     * A body that times itself: for work whose setup (a connection, a listener) must not count. The
     * harness records the nanoseconds it returns instead of the wall time of the whole call.
     */
    @FunctionalInterface
    public interface SelfTimed extends Body {
        /**
         * Runs the case's work once.
         *
         * @return the nanoseconds the measured part took
         * @throws Exception if the case fails; the whole run fails
         */
        long timedRun() throws Exception;

        @Override
        default void run() throws Exception {
            timedRun();
        }
    }

    /**
     * A case: its name in the table, how many operations one run is, what it runs, and the case it
     * is compared with (null for none).
     *
     * @param name the row's name
     * @param ops operations per run, at least 1
     * @param body the work
     * @param baseline the case whose per-round figure divided by this one's gives the ratio, or null
     */
    public record Case(String name, int ops, Body body, Case baseline) {

        /** Checks the fields. */
        public Case {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(body, "body");
            if (ops < 1) {
                throw new IllegalArgumentException("ops must be at least 1: " + ops);
            }
        }

        /**
         * A case without a baseline.
         *
         * @param name the row's name
         * @param ops operations per run
         * @param body the work
         */
        public Case(String name, int ops, Body body) {
            this(name, ops, body, null);
        }

        /**
         * A case of the same size compared with this one.
         *
         * @param otherName its name
         * @param otherBody its work
         * @return the new case, with this one as its baseline
         */
        public Case against(String otherName, Body otherBody) {
            return new Case(otherName, ops, otherBody, this);
        }
    }

    /**
     * Runs {@code warmups} untimed rounds, then {@code rounds} timed ones, each running every case
     * once, starting one case further on each round.
     *
     * @param cases the cases; a baseline must be among them
     * @param rounds the timed rounds, at least 1
     * @param warmups the rounds run first and not recorded
     * @return nanoseconds per operation, {@code [case][round]}
     * @throws Exception what a case threw
     */
    public static double[][] run(List<Case> cases, int rounds, int warmups) throws Exception {
        if (rounds < 1) {
            throw new IllegalArgumentException("rounds must be at least 1: " + rounds);
        }
        for (Case c : cases) {
            if (c.baseline() != null && !cases.contains(c.baseline())) {
                throw new IllegalArgumentException("the baseline of '" + c.name() + "' is not among the cases");
            }
        }
        double[][] nanos = new double[cases.size()][rounds];
        for (int round = -warmups; round < rounds; round++) {
            int shift = Math.floorMod(round, cases.size());
            for (int k = 0; k < cases.size(); k++) {
                int i = (k + shift) % cases.size();
                Case c = cases.get(i);
                long took;
                if (c.body() instanceof SelfTimed timed) {
                    took = timed.timedRun();
                } else {
                    long t0 = System.nanoTime();
                    c.body().run();
                    took = System.nanoTime() - t0;
                }
                double perOp = (double) took / c.ops();
                if (round >= 0) {
                    nanos[i][round] = perOp;
                }
            }
        }
        return nanos;
    }

    /**
     * Formats the results: per case the median nanoseconds per operation, their range, and for a
     * case with a baseline the median over rounds of the per-round ratio baseline / case (above 1:
     * this case is faster) with the number of rounds it won.
     *
     * @param cases the cases given to {@link #run}
     * @param nanos what {@link #run} returned
     * @return the table, one line per case after a header, each ending in a line separator
     */
    public static String table(List<Case> cases, double[][] nanos) {
        int rounds = nanos.length == 0 ? 0 : nanos[0].length;
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "%d rounds; ns per operation%n", rounds));
        out.append(String.format(Locale.ROOT, "%-52s %9s %21s %8s %6s%n", "case", "median", "range", "ratio", "won"));
        for (int i = 0; i < cases.size(); i++) {
            Case c = cases.get(i);
            double[] own = nanos[i].clone();
            Arrays.sort(own);
            String range = String.format(Locale.ROOT, "%.1f-%.1f", own[0], own[own.length - 1]);
            String ratio = "";
            String won = "";
            if (c.baseline() != null) {
                double[] base = nanos[cases.indexOf(c.baseline())];
                double[] perRound = new double[rounds];
                int wins = 0;
                for (int r = 0; r < rounds; r++) {
                    perRound[r] = base[r] / nanos[i][r];
                    if (perRound[r] >= 1) {
                        wins++;
                    }
                }
                ratio = String.format(Locale.ROOT, "%.2f", median(perRound));
                won = wins + "/" + rounds;
            }
            out.append(String.format(Locale.ROOT, "%-52s %9.1f %21s %8s %6s%n", c.name(), median(own), range, ratio, won));
        }
        return out.toString();
    }

    /**
     * The median of some values.
     *
     * @param values at least one value; not changed
     * @return the median (the mean of the middle two for an even count)
     */
    public static double median(double[] values) {
        double[] v = values.clone();
        Arrays.sort(v);
        int n = v.length;
        return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    }
}
