package io.mcastrelay.egress;

import org.agrona.ErrorHandler;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.status.AtomicCounter;

/**
 * An agent whose exceptions are counted and handed to an error handler instead of thrown, so that whoever runs it
 * (an ingress event loop, an {@code AgentRunner}) goes on: what an {@code AgentRunner} does for its agent, for an
 * agent that some other loop calls.
 *
 * <p>Runs on the thread that calls the agent.
 */
final class CountedAgent implements Agent {
    private final Agent delegate;
    private final AtomicCounter errors;
    private final ErrorHandler errorHandler;

    CountedAgent(final Agent delegate, final AtomicCounter errors, final ErrorHandler errorHandler) {
        this.delegate = delegate;
        this.errors = errors;
        this.errorHandler = errorHandler;
    }

    @Override
    public int doWork() {
        try {
            return delegate.doWork();
        } catch (final Throwable ex) {
            errors.increment();
            errorHandler.onError(ex);
            return 0;
        }
    }

    @Override
    public String roleName() {
        return delegate.roleName();
    }
}
