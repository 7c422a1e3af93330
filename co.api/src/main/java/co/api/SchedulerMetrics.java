package co.api;

/**
 * The numbers of one scheduler at one moment: part of a {@link RuntimeMetrics} snapshot taken by
 * {@link Co#metrics()}.
 *
 * <p><b>Freshness.</b> On the {@code affine} provider each number is a field written only by the
 * scheduling thread itself and read by the caller without stopping it: a busy scheduler may have
 * moved on by a few microseconds when the caller looks, and numbers of one snapshot are not taken
 * at exactly the same instant (a coroutine that ends while the snapshot is read may show in
 * {@link #resumes()} but still in {@link #coroutines()}). An idle scheduler's numbers are exact.
 * A value of {@code -1} means that the provider cannot know it: on {@code virtual}, whose
 * schedulers are only logical (the JDK's own carrier threads run the coroutines), only
 * {@link #id()} and {@link #coroutines()} are known.
 *
 * @param id the scheduler id, from 0 to {@code Co.schedulerNum() - 1}
 * @param coroutines coroutines of this scheduler that exist: started and not yet ended, including
 *     ones that wait to run for the first time
 * @param runQueue how many tasks (coroutines ready to resume, or ready to run for the first time)
 *     wait in this scheduler's run queues; an estimate while the scheduler is busy
 * @param resumes how many times this scheduler has run a coroutine (resumed it after a wait, or
 *     started it) since the runtime started: the count of coroutine switches
 * @param ioWaiting how many coroutines of this scheduler are parked waiting for socket or channel
 *     readiness ({@code recv}, {@code send}, {@code accept}, {@code connect}, {@link IoEvent})
 * @param timers how many timers are pending on this scheduler: sleeps, I/O waits with a timeout,
 *     timed waits of {@code co.sync} primitives
 * @param busyNanos wall-clock time since the scheduler started that it was not blocked waiting
 *     for work: running coroutines, plus its own loop (and its short spin before blocking, at
 *     most {@code co.spin_us} per idle period)
 * @param idleNanos wall-clock time since the scheduler started that it spent blocked waiting for
 *     work (I/O readiness, a timer, a submission from another thread)
 * @param stalls how many times the stall watchdog found one coroutine holding this scheduling
 *     thread longer than {@code co.stall_ms} (one per episode, however long it lasts)
 */
public record SchedulerMetrics(int id, long coroutines, long runQueue, long resumes, long ioWaiting, long timers,
        long busyNanos, long idleNanos, long stalls) {
}
