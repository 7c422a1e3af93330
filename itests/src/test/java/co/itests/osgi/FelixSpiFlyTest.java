package co.itests.osgi;

import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.ops4j.pax.exam.ExamFactory;

/**
 * The {@link CoInFramework} tests on Felix with Apache Aries SPI Fly installed, in two JVMs: with the
 * affine scheduler's flag and without it (the virtual fallback).
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
@ExamFactory(FelixForked.class)
public class FelixSpiFlyTest extends CoInFramework {

    /**
     * With {@code --add-opens java.base/java.lang=ALL-UNNAMED}: the affine scheduler.
     *
     * @return the options
     */
    @Configuration
    public Option[] affine() {
        return frameworkOptions(true, true);
    }

    /**
     * Without the flag: the virtual fallback.
     *
     * @return the options
     */
    @Configuration
    public Option[] virtual() {
        return frameworkOptions(false, true);
    }
}
