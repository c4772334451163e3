package io.tidefall.spring.autoconfigure.endpoint;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.autoconfigure.endpoint.expose.EndpointExposure;
import org.springframework.boot.actuate.endpoint.EndpointId;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.web.PathMappedEndpoints;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;

import io.tidefall.Buffer;
import io.tidefall.spring.TidefallBuffers;
import io.tidefall.spring.actuate.TidefallEndpoint;
import io.tidefall.spring.actuate.TidefallEndpointErrors;
import io.tidefall.spring.actuate.TidefallEndpointWebExtension;
import io.tidefall.spring.actuate.TidefallRequestFieldsAdvisor;
import io.tidefall.spring.autoconfigure.TidefallAutoConfiguration;
import io.tidefall.spring.deadletter.DeadLetters;

/**
 * Auto-configuration for the {@code tidefall} Actuator endpoint: with Actuator on the classpath,
 * Tidefall enabled, and the endpoint available (accessible and exposed).
 */
@AutoConfiguration(after = TidefallAutoConfiguration.class)
@ConditionalOnClass({ Endpoint.class, Buffer.class })
@ConditionalOnBean(TidefallBuffers.class)
@ConditionalOnAvailableEndpoint(TidefallEndpoint.class)
public final class TidefallEndpointAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    TidefallEndpoint tidefallEndpoint(TidefallBuffers buffers, ObjectProvider<DeadLetters> deadLetters) {
        return new TidefallEndpoint(buffers, deadLetters.getIfUnique());
    }

    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnBean(TidefallEndpoint.class)
    @ConditionalOnAvailableEndpoint(exposure = EndpointExposure.WEB)
    TidefallEndpointWebExtension tidefallEndpointWebExtension(TidefallEndpoint endpoint) {
        return new TidefallEndpointWebExtension(endpoint);
    }

    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnAvailableEndpoint(endpoint = TidefallEndpoint.class, exposure = EndpointExposure.WEB)
    TidefallRequestFieldsAdvisor tidefallRequestFieldsAdvisor() {
        return new TidefallRequestFieldsAdvisor();
    }

    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
    @ConditionalOnClass(name = "org.springframework.web.servlet.DispatcherServlet")
    @ConditionalOnAvailableEndpoint(endpoint = TidefallEndpoint.class, exposure = EndpointExposure.WEB)
    TidefallEndpointErrors tidefallEndpointErrors(ObjectProvider<PathMappedEndpoints> endpoints) {
        return new TidefallEndpointErrors(() -> {
            PathMappedEndpoints mapped = endpoints.getIfAvailable();
            return mapped != null ? mapped.getPath(EndpointId.of("tidefall")) : null;
        });
    }
}
