package io.tidefall.spring.actuate;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.EndpointId;
import org.springframework.boot.actuate.endpoint.InvocationContext;
import org.springframework.boot.actuate.endpoint.OperationType;
import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.invoke.OperationInvoker;
import org.springframework.boot.actuate.endpoint.invoke.OperationInvokerAdvisor;
import org.springframework.boot.actuate.endpoint.invoke.OperationParameter;
import org.springframework.boot.actuate.endpoint.invoke.OperationParameters;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;

import io.tidefall.InvalidOptionException;

/**
 * Hands the {@code tidefall} endpoint's write operations the fields of a request as they were
 * sent. Actuator maps body fields (and query parameters) to operation parameters by name and drops
 * the rest, which would make every runtime option a parameter of its own and lose a misspelt one
 * silently.
 *
 * <ul>
 * <li>An operation with a {@code Map} parameter ({@code updateOptions}) receives every field but
 * its selectors in that map, to check and read itself; a request that already carries the map
 * under the parameter's name (JMX, which invokes operations with exactly their parameters) passes
 * unchanged.
 * <li>Any other write operation rejects a field it does not take, with 400 and a message naming
 * it: {@code POST /actuator/tidefall/events/flush?colour=blue}.
 * </ul>
 */
public final class TidefallRequestFieldsAdvisor implements OperationInvokerAdvisor {

    private static final EndpointId TIDEFALL = EndpointId.of("tidefall");

    @Override
    public OperationInvoker apply(EndpointId endpointId, OperationType operationType, OperationParameters parameters,
            OperationInvoker invoker) {
        if (!TIDEFALL.equals(endpointId) || operationType != OperationType.WRITE) {
            return invoker;
        }
        Set<String> selectors = parameters.stream()
                .filter(parameter -> parameter.getAnnotation(Selector.class) != null)
                .map(OperationParameter::getName)
                .collect(Collectors.toSet());
        OperationParameter fields = parameters.stream()
                .filter(parameter -> Map.class.isAssignableFrom(parameter.getType()))
                .findFirst().orElse(null);
        if (fields != null) {
            return context -> invoker.invoke(gathered(context, selectors, fields.getName()));
        }
        Set<String> known = parameters.stream().map(OperationParameter::getName).collect(Collectors.toSet());
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
                    + ": this operation takes no fields. Nothing was changed.";
            return new WebEndpointResponse<>(Map.of("status", WebEndpointResponse.STATUS_BAD_REQUEST, "error", "Bad Request",
                    "message", message), WebEndpointResponse.STATUS_BAD_REQUEST);
        };
    }

    /** The context with every argument but the selectors moved into one map, under {@code name}. */
    private static InvocationContext gathered(InvocationContext context, Set<String> selectors, String name) {
        Map<String, Object> arguments = context.getArguments();
        if (arguments.get(name) instanceof Map<?, ?> && arguments.size() == selectors.size() + 1) {
            return context;
        }
        Map<String, Object> gathered = new LinkedHashMap<>();
        Map<String, @Nullable Object> fields = new LinkedHashMap<>();
        arguments.forEach((key, value) -> {
            if (selectors.contains(key)) {
                gathered.put(key, value);
            } else {
                fields.put(key, value);
            }
        });
        gathered.put(name, fields);
        SecurityContext security = context.canResolve(SecurityContext.class)
                ? context.resolveArgument(SecurityContext.class) : SecurityContext.NONE;
        return new InvocationContext(security, gathered);
    }
}
