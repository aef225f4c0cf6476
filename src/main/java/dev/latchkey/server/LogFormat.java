package dev.latchkey.server;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import java.util.Iterator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How the node writes its log ({@code --log-format}, {@code LATCHKEY_LOG_FORMAT}): {@code text}, the lines of
 * {@link LogConfigurator}, or {@code json}, one object per line ({@link JsonLogLayout}). Switched at start on the console
 * appender that LogConfigurator makes; an operator's own logback configuration ({@code -Dlogback.configurationFile}) with
 * other appenders is left as it is.
 */
public final class LogFormat {
    public static final String TEXT = "text";
    public static final String JSON = "json";

    private LogFormat() {}

    /** Whether {@code format} is one of the formats. */
    public static boolean known(String format) {
        return TEXT.equals(format) || JSON.equals(format);
    }

    /** Switches the console appender to {@code format}; {@code text} changes nothing. */
    public static void use(String format) {
        if (!JSON.equals(format) || !(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            return;
        }
        ch.qos.logback.classic.Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        for (Iterator<Appender<ILoggingEvent>> it = root.iteratorForAppenders(); it.hasNext(); ) {
            if (it.next() instanceof OutputStreamAppender<ILoggingEvent> console) {
                JsonLogLayout layout = new JsonLogLayout();
                layout.setContext(context);
                layout.start();
                LayoutWrappingEncoder<ILoggingEvent> encoder = new LayoutWrappingEncoder<>();
                encoder.setContext(context);
                encoder.setLayout(layout);
                encoder.start();
                console.stop();
                console.setEncoder(encoder);
                console.start();
            }
        }
    }
}
