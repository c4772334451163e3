package io.tidefall.sample;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestControllerAdvice;

import tools.jackson.core.JacksonException;

/**
 * Bad requests answer 400 with {@code {"message": "..."}} saying what is wrong; writes a full
 * buffer refuses answer 503.
 */
@RestControllerAdvice
class ApiErrors {

    @ExceptionHandler(InvalidRequestException.class)
    @ResponseStatus(HttpStatus.BAD_REQUEST)
    Map<String, String> invalid(InvalidRequestException failure) {
        return Map.of("message", failure.getMessage());
    }

    /** The buffer is full: 503, with what was accepted, and when to try again. */
    @ExceptionHandler(IngestionController.BufferFull.class)
    ResponseEntity<Map<String, Object>> full(IngestionController.BufferFull failure) {
        Map<String, Object> body = new LinkedHashMap<>(failure.outcome);
        body.put("message", failure.getMessage());
        return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE).header(HttpHeaders.RETRY_AFTER, "1").body(body);
    }

    @ExceptionHandler(HttpMessageNotReadableException.class)
    @ResponseStatus(HttpStatus.BAD_REQUEST)
    Map<String, String> unreadable(HttpMessageNotReadableException failure) {
        Throwable cause = failure.getMostSpecificCause();
        if (cause instanceof JacksonException json) {
            String problem = json.getOriginalMessage();
            int detail = problem.indexOf(" (");
            if (detail > 0) {
                problem = problem.substring(0, detail); // drop Jackson's source description
            }
            return Map.of("message", "the body is not valid JSON: " + problem
                    + (json.getLocation() != null ? " (line " + json.getLocation().getLineNr() + ", column "
                            + json.getLocation().getColumnNr() + ")" : ""));
        }
        return Map.of("message", "the body is missing or unreadable: it must be JSON");
    }
}
