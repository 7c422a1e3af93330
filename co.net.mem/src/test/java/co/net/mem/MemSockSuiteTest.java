package co.net.mem;

import co.net.testsuite.SockFactory;
import co.net.testsuite.SockSuite;
import java.util.List;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;

/** The transport-agnostic suite over "mem": by name, with TCP-style addresses, and with TLS on top. */
@ExtendWith(MemSockSuiteTest.InProcessOnly.class)
class MemSockSuiteTest extends SockSuite {

    @Override
    protected List<SockFactory> factories() {
        return List.of(new MemSockFactory("mem-name"), new MemSockFactory("mem-inet"),
                new TlsOverMemSockFactory("tls-over-mem"));
    }

    /** Skips the case whose clients run in a child JVM: in-memory sockets exist in one JVM only. */
    static final class InProcessOnly implements ExecutionCondition {
        @Override
        public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
            return context.getTestMethod().map(m -> m.getName().equals("tenThousandConnections")).orElse(false)
                    ? ConditionEvaluationResult.disabled("its clients run in another JVM; mem sockets live in one")
                    : ConditionEvaluationResult.enabled("in-process case");
        }
    }
}
