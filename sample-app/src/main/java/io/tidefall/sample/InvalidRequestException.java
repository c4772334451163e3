package io.tidefall.sample;

/** A request the service refuses before buffering anything; answered with 400 and this message. */
class InvalidRequestException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    InvalidRequestException(String message) {
        super(message);
    }
}
