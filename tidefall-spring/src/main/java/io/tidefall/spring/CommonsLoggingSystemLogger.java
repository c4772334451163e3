package io.tidefall.spring;

import java.text.MessageFormat;
import java.util.ResourceBundle;
import java.util.function.Supplier;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * The engine's {@link System.Logger} written through Spring's logging facade (commons-logging, on
 * to SLF4J and Logback in a Spring Boot application), given to every buffer the starter builds
 * ({@code BufferBuilder.loggers}).
 *
 * <p>Why not the JDK's default: it sends {@code System.Logger} to {@code java.util.logging},
 * which Spring Boot bridges to SLF4J, but whose {@code LogManager} resets every handler, the
 * bridge included, in a JVM shutdown hook of its own that runs as soon as a SIGTERM arrives,
 * beside Spring's. The buffers close after that, within the shutdown phase, and the lines they
 * write then (what they could not deliver and handed to the dead-letter store at close) reached
 * no log. Through commons-logging they reach Logback, which Spring Boot stops only after the
 * context has closed.
 */
public final class CommonsLoggingSystemLogger implements System.Logger {

    private final String name;
    private final Log log;

    private CommonsLoggingSystemLogger(String name) {
        this.name = name;
        this.log = LogFactory.getLog(name);
    }

    /** The logger named {@code name} (a buffer type's class name). */
    public static System.Logger forName(String name) {
        return new CommonsLoggingSystemLogger(name);
    }

    @Override
    public String getName() {
        return this.name;
    }

    @Override
    public boolean isLoggable(Level level) {
        return switch (level) {
            case ALL, TRACE -> this.log.isTraceEnabled();
            case DEBUG -> this.log.isDebugEnabled();
            case INFO -> this.log.isInfoEnabled();
            case WARNING -> this.log.isWarnEnabled();
            case ERROR -> this.log.isErrorEnabled();
            case OFF -> false;
        };
    }

    @Override
    public void log(Level level, @Nullable ResourceBundle bundle, @Nullable String message, @Nullable Throwable thrown) {
        if (isLoggable(level)) {
            write(level, localized(bundle, message), thrown);
        }
    }

    @Override
    public void log(Level level, @Nullable ResourceBundle bundle, @Nullable String format, @Nullable Object... params) {
        if (isLoggable(level)) {
            String pattern = localized(bundle, format);
            // As the JDK's own loggers do: MessageFormat's {0} placeholders, and the text as it is without parameters.
            write(level, params == null || params.length == 0 ? pattern : MessageFormat.format(pattern, params), null);
        }
    }

    @Override
    public void log(Level level, Supplier<String> message, Throwable thrown) {
        if (isLoggable(level)) {
            write(level, message.get(), thrown);
        }
    }

    private static String localized(@Nullable ResourceBundle bundle, @Nullable String key) {
        if (key == null) {
            return "";
        }
        return bundle != null && bundle.containsKey(key) ? bundle.getString(key) : key;
    }

    private void write(Level level, String message, @Nullable Throwable thrown) {
        switch (level) {
            case ALL, TRACE -> this.log.trace(message, thrown);
            case DEBUG -> this.log.debug(message, thrown);
            case INFO -> this.log.info(message, thrown);
            case WARNING -> this.log.warn(message, thrown);
            case ERROR -> this.log.error(message, thrown);
            case OFF -> {
            }
        }
    }
}
