package io.tidefall.spring.autoconfigure;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

import io.tidefall.spring.TidefallConfigurationException;

/** Reports a {@link TidefallConfigurationException} as a startup failure description and action. */
class TidefallConfigurationFailureAnalyzer extends AbstractFailureAnalyzer<TidefallConfigurationException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, TidefallConfigurationException cause) {
        return new FailureAnalysis(cause.getDescription(), cause.getAction(), cause);
    }
}
