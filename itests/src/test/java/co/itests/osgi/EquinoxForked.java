package co.itests.osgi;

import org.ops4j.pax.exam.ExamSystem;
import org.ops4j.pax.exam.TestContainer;
import org.ops4j.pax.exam.TestContainerFactory;
import org.ops4j.pax.exam.forked.ForkedTestContainer;

/**
 * Pax Exam's forked container on Eclipse Equinox: the framework runs in its own JVM (with the test
 * class's {@code vmOption}s), whose class path holds only the Equinox jar and Pax Exam's remote
 * launcher. Both frameworks are on the test class path, so each test class names its factory.
 */
public final class EquinoxForked implements TestContainerFactory {

    @Override
    public TestContainer[] create(ExamSystem system) {
        return new TestContainer[] {new ForkedTestContainer(system, new org.eclipse.osgi.launch.EquinoxFactory())};
    }
}
