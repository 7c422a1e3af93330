package co.scheduler;

import co.api.spi.SchedulerProvider;
import co.testkit.SchedulerContract;

/** The scheduler contract of the test kit, run on the {@code virtual} provider. */
class VirtualSchedulerContractTest extends SchedulerContract {

    @Override
    protected SchedulerProvider provider() {
        return Runtimes.provider("virtual");
    }
}
