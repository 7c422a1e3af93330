package co.scheduler;

import co.api.spi.SchedulerProvider;
import co.testkit.SchedulerContract;

/** The scheduler contract of the test kit, run on the {@code affine} provider. */
class AffineSchedulerContractTest extends SchedulerContract {

    @Override
    protected SchedulerProvider provider() {
        return Runtimes.provider("affine");
    }
}
