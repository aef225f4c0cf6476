package dev.latchkey.server;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.CoreConstants;
import ch.qos.logback.core.LayoutBase;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.latchkey.json.Json;
import java.time.Instant;
import java.util.Set;

/**
 * One JSON object per line ({@code --log-format json}), for log shippers: {@code timestamp} (ISO-8601, UTC), {@code level},
 * {@code logger}, {@code thread}, {@code message}, {@code correlationId} (a request's), {@code exception} (the stack
 * trace) when there is one, and the structured fields a line carries (the access log's {@code method}, {@code path},
 * {@code status}, {@code durationMs}, {@code bytes}, {@code client}). Newlines and quotes inside values are escaped by
 * the JSON writer, so a value cannot forge a line.
 */
public final class JsonLogLayout extends LayoutBase<ILoggingEvent> {
    private static final Set<String> RESERVED = Set.of("timestamp", "level", "logger", "thread", "message", "correlationId", "exception");

    @Override
    public String doLayout(ILoggingEvent event) {
        ObjectNode line = Json.object();
        line.put("timestamp", Instant.ofEpochMilli(event.getTimeStamp()).toString());
        line.put("level", event.getLevel().toString());
        line.put("logger", event.getLoggerName());
        line.put("thread", event.getThreadName());
        line.put("message", event.getFormattedMessage());
        String correlationId = event.getMDCPropertyMap().get("correlationId");
        if (correlationId != null) {
            line.put("correlationId", correlationId);
        }
        if (event.getKeyValuePairs() != null) {
            event.getKeyValuePairs().forEach(kv -> {
                if (kv.key != null && !RESERVED.contains(kv.key)) {
                    if (kv.value instanceof Number n) {
                        line.put(kv.key, n.longValue());
                    } else {
                        line.put(kv.key, kv.value == null ? null : String.valueOf(kv.value));
                    }
                }
            });
        }
        if (event.getThrowableProxy() != null) {
            line.put("exception", ThrowableProxyUtil.asString(event.getThrowableProxy()));
        }
        return Json.write(line) + CoreConstants.LINE_SEPARATOR;
    }

    @Override
    public String getContentType() {
        return "application/json";
    }
}
