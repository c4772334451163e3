package io.tidefall.spring.actuate;

import java.util.Map;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;

import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.RequestAttributes;
import org.springframework.web.context.request.WebRequest;

/**
 * Gives a body the {@code tidefall} endpoint cannot read (malformed JSON, an array instead of an
 * object) the same 400 answer as every other bad request to it: {@code status}, {@code error} and
 * a {@code message} saying what is wrong, instead of Spring's error page, which has no message.
 * Requests to other endpoints are left to Spring: the exception is thrown on unchanged.
 *
 * <p>Applies to the handlers of Actuator's Spring MVC endpoint mapping only.
 */
@RestControllerAdvice(basePackages = "org.springframework.boot.webmvc.actuate.endpoint.web")
public class TidefallEndpointErrors {

    /** Spring MVC's request attribute holding the path pattern that matched (HandlerMapping's constant). */
    private static final String MATCHING_PATTERN = "org.springframework.web.servlet.HandlerMapping.bestMatchingPattern";

    private final Supplier<@Nullable String> endpointPath;

    /** @param endpointPath the path of the {@code tidefall} endpoint, such as {@code /actuator/tidefall} */
    public TidefallEndpointErrors(Supplier<@Nullable String> endpointPath) {
        this.endpointPath = endpointPath;
    }

    @ExceptionHandler(HttpMessageNotReadableException.class)
    public ResponseEntity<Map<String, Object>> unreadable(HttpMessageNotReadableException unreadable, WebRequest request)
            throws HttpMessageNotReadableException {
        Object pattern = request.getAttribute(MATCHING_PATTERN, RequestAttributes.SCOPE_REQUEST);
        String path = this.endpointPath.get();
        if (path == null || !(pattern instanceof String matched) || !matched.startsWith(path + "/")) {
            throw unreadable;
        }
        return ResponseEntity.badRequest().body(Map.of("status", 400, "error", "Bad Request", "message",
                "The body is not a JSON object of option names and values, such as {\"processingInterval\": \"2s\"}."
                        + " Nothing was changed."));
    }
}
