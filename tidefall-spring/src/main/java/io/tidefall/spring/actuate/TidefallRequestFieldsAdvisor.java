package io.tidefall.spring.actuate;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import org.springframework.boot.actuate.endpoint.EndpointId;
import org.springframework.boot.actuate.endpoint.OperationType;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.invoke.OperationInvoker;
import org.springframework.boot.actuate.endpoint.invoke.OperationInvokerAdvisor;
import org.springframework.boot.actuate.endpoint.invoke.OperationParameter;
import org.springframework.boot.actuate.endpoint.invoke.OperationParameters;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;

import io.tidefall.InvalidOptionException;

/**
 * Rejects a write to the {@code tidefall} endpoint that carries a field the operation does not
 * take, with 400 and a message naming it. Actuator maps body fields (and query parameters) to
 * operation parameters by name and drops the rest, so
 * {@code {"processingInterval": "2s", "procesingTimeout": "5s"}} would change the interval and
 * answer 200, while the misspelt timeout is silently lost.
 *
 * <p>Only requests over HTTP can carry extra fields: JMX invokes operations with exactly their
 * parameters.
 */
public final class TidefallRequestFieldsAdvisor implements OperationInvokerAdvisor {

    private static final EndpointId TIDEFALL = EndpointId.of("tidefall");

    @Override
    public OperationInvoker apply(EndpointId endpointId, OperationType operationType, OperationParameters parameters,
            OperationInvoker invoker) {
        if (!TIDEFALL.equals(endpointId) || operationType != OperationType.WRITE) {
            return invoker;
        }
        Set<String> known = parameters.stream().map(OperationParameter::getName).collect(Collectors.toSet());
        List<String> fields = parameters.stream()
                .filter(parameter -> parameter.getAnnotation(Selector.class) == null)
                .map(OperationParameter::getName)
                .toList();
        return context -> {
            List<String> unknown = context.getArguments().keySet().stream()
                    .filter(name -> !known.contains(name))
                    .sorted()
                    .toList();
            if (unknown.isEmpty()) {
                return invoker.invoke(context);
            }
            String message = (unknown.size() == 1 ? "Unknown field " : "Unknown fields ")
                    + unknown.stream().map(InvalidOptionException::show).collect(Collectors.joining(", "))
                    + (fields.isEmpty() ? ": this operation takes no fields." : ": the fields are " + String.join(", ", fields) + ".")
                    + " Nothing was changed.";
            return new WebEndpointResponse<>(Map.of("status", WebEndpointResponse.STATUS_BAD_REQUEST, "error", "Bad Request",
                    "message", message), WebEndpointResponse.STATUS_BAD_REQUEST);
        };
    }
}
