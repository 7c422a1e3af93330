package co.itests.osgi;

import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.ExamFactory;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

/**
 * The {@link CoInFramework} tests on Equinox with Apache Aries SPI Fly installed, without the affine scheduler's flag: coroutines run on the virtual fallback.
 *
 * <p>One configuration per test class: with two, Pax Exam names each test {@code method:caption},
 * which the JUnit Vintage engine cannot map to a method, and surefire reported them without names.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
@ExamFactory(EquinoxForked.class)
public class EquinoxSpiFlyVirtualTest extends CoInFramework {

    /**
     * SPI Fly, virtual.
     *
     * @return the options
     */
    @Configuration
    public Option[] virtual() {
        return frameworkOptions(false, true);
    }
}
