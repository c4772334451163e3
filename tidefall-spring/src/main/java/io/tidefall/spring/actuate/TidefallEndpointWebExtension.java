package io.tidefall.spring.actuate;

import java.util.Map;

import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.boot.actuate.endpoint.web.annotation.EndpointWebExtension;

/**
 * The {@code tidefall} endpoint over HTTP: an invalid update answers 400 with a JSON body whose
 * {@code message} names the field and the value (Spring Boot hides exception messages), and a
 * write to an unknown buffer answers 404 (a {@code null} from a write would be a 204).
 *
 * <p>Actuator reads the body as a map of strings: a JSON number or boolean arrives as its text,
 * and an array or object fails with Spring's own 400 before this extension is called. The body's
 * fields reach {@code updateOptions} as one map ({@link TidefallRequestFieldsAdvisor}).
 */
@EndpointWebExtension(endpoint = TidefallEndpoint.class)
public class TidefallEndpointWebExtension {

    private final TidefallEndpoint endpoint;

    public TidefallEndpointWebExtension(TidefallEndpoint endpoint) {
        this.endpoint = endpoint;
    }

    /** {@link TidefallEndpoint#updateOptions(String, Map)}, answering 400 or 404 instead. */
    @WriteOperation
    public WebEndpointResponse<Object> updateOptions(@Selector String name, Map<String, ?> options) {
        try {
            Object answer = this.endpoint.updateOptions(name, options);
            return answer != null ? new WebEndpointResponse<>(answer) : notFound();
        } catch (InvalidEndpointRequestException invalid) {
            return new WebEndpointResponse<>(Map.of("status", WebEndpointResponse.STATUS_BAD_REQUEST,
                    "error", "Bad Request", "message", invalid.getMessage()), WebEndpointResponse.STATUS_BAD_REQUEST);
        }
    }

    @WriteOperation
    public WebEndpointResponse<Object> action(@Selector String name, @Selector String action) {
        Object result = this.endpoint.action(name, action);
        if (result == null && "replay".equals(action) && !this.endpoint.canReplay()) {
            return new WebEndpointResponse<>(Map.of("status", WebEndpointResponse.STATUS_NOT_FOUND, "error", "Not Found",
                    "message", "There is no dead-letter store to replay from: tidefall.dead-letter.enabled is false, or Jackson is not on the class path."),
                    WebEndpointResponse.STATUS_NOT_FOUND);
        }
        return result != null ? new WebEndpointResponse<>(result) : notFound();
    }

    private static <T> WebEndpointResponse<T> notFound() {
        return new WebEndpointResponse<>(WebEndpointResponse.STATUS_NOT_FOUND);
    }
}
