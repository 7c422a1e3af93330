package co.itests.osgi;

import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.ops4j.pax.exam.ExamFactory;

/**
 * The {@link CoInFramework} tests on Felix with no Service Loader Mediator: co finds its providers in
 * the OSGi service registry only. With the affine scheduler's flag.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
@ExamFactory(FelixForked.class)
public class FelixRegistryTest extends CoInFramework {

    /**
     * No SPI Fly, with {@code --add-opens java.base/java.lang=ALL-UNNAMED}.
     *
     * @return the options
     */
    @Configuration
    public Option[] registryOnly() {
        return frameworkOptions(true, false);
    }
}
