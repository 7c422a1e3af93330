package co.scheduler.internal.jmx;

/**
 * One co scheduler over JMX: {@code co:type=Scheduler,id=N}. Each read takes a fresh
 * {@link co.api.SchedulerMetrics} snapshot; see there (and {@code docs/observability.md}) for what
 * each number means and how fresh it is. -1: the provider cannot know the number.
 */
public interface CoSchedulerMXBean {

    /** @return the scheduler id */
    int getId();

    /** @return the provider's name */
    String getProvider();

    /** @return live coroutines of this scheduler */
    long getCoroutines();

    /** @return tasks waiting in its run queues */
    long getRunQueue();

    /** @return coroutine resumes since start */
    long getResumes();

    /** @return coroutines parked on I/O readiness */
    long getIoWaiting();

    /** @return pending timers */
    long getTimers();

    /** @return milliseconds not blocked waiting for work since start */
    long getBusyMillis();

    /** @return milliseconds blocked waiting for work since start */
    long getIdleMillis();

    /** @return stall episodes seen by the watchdog */
    long getStalls();
}
