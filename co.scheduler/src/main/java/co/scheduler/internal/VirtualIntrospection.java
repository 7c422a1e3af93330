package co.scheduler.internal;

import co.api.CoroutineInfo;
import co.api.RuntimeMetrics;
import co.api.SchedulerMetrics;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * What the {@code virtual} runtime can tell about itself. Its schedulers are logical: the JDK's
 * default scheduler (a {@code ForkJoinPool} co does not own) runs the coroutines, so run queues,
 * resumes, I/O waiters, timers and busy/idle time are not co's to count (-1), and there is no stall
 * watchdog (a CPU-bound coroutine holds one JDK carrier, not a co scheduler). Known: live
 * coroutines per logical scheduler, started / finished / uncaught, and the coroutine dump.
 */
final class VirtualIntrospection {

    private VirtualIntrospection() {
    }

    static RuntimeMetrics metrics(String provider, Coroutines[] live) {
        List<SchedulerMetrics> list = new ArrayList<>(live.length);
        long started = 0;
        long finished = 0;
        long uncaught = 0;
        for (int i = 0; i < live.length; i++) {
            long f = live[i].finished();
            long s = live[i].started();
            started += s;
            finished += f;
            uncaught += live[i].uncaughtCount();
            list.add(new SchedulerMetrics(i, Math.max(0, s - f), -1, -1, -1, -1, -1, -1, -1));
        }
        return new RuntimeMetrics(provider, started, finished, uncaught, -1, list);
    }

    static List<CoroutineInfo> coroutines(Coroutines[] live) {
        List<CoroutineInfo> out = new ArrayList<>();
        for (int i = 0; i < live.length; i++) {
            List<CoroutineInfo> part = new ArrayList<>();
            for (Coroutine c : live[i].snapshot(AffineIntrospection.LIST_LIMIT)) {
                CoroutineInfo info = Introspection.describe(c, i);
                if (info != null) {
                    part.add(info);
                }
            }
            part.sort(Comparator.comparingLong(CoroutineInfo::id));
            out.addAll(part);
        }
        return out;
    }
}
