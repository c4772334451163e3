package io.tidefall.spring.autoconfigure;

import java.util.Locale;

import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;

import io.tidefall.spring.TidefallConfigurationException;

/**
 * Matches unless {@code tidefall.enabled} is {@code false}; fails the startup when it is neither
 * {@code true} nor {@code false}. A plain boolean property condition would read {@code maybe}, or a
 * typo such as {@code ture}, as "not true" and switch every buffer off without a word.
 */
class OnTidefallEnabledCondition extends SpringBootCondition {

    static final String PROPERTY = "tidefall.enabled";

    @Override
    public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
        String value = context.getEnvironment().getProperty(PROPERTY);
        if (value == null) {
            return ConditionOutcome.match(PROPERTY + " is not set");
        }
        String canonical = value.trim().toLowerCase(Locale.ROOT);
        if (canonical.equals("true")) {
            return ConditionOutcome.match(PROPERTY + " is true");
        }
        if (canonical.equals("false")) {
            return ConditionOutcome.noMatch(PROPERTY + " is false");
        }
        throw new TidefallConfigurationException(null, PROPERTY + " is '" + value + "', which is neither true nor false.",
                "Set " + PROPERTY + " to true (the default), or to false to switch Tidefall off entirely: no buffers, registry, endpoint or meters.");
    }
}
