package io.tidefall.spring.sink;

/**
 * Builds the sinks of one {@link SinkKind}. The starter registers one bean per kind whose library is
 * on the class path; a buffer that configures a kind without its factory is refused at startup.
 */
public interface SinkFactory {

    SinkKind kind();

    /**
     * Builds the sink of {@code target}, failing with a
     * {@link io.tidefall.spring.TidefallConfigurationException} that names the
     * property when its configuration is incomplete or names a bean that does not exist.
     */
    Sink create(SinkTarget target);
}
