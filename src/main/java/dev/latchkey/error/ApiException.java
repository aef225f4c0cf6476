package dev.latchkey.error;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.latchkey.json.Json;

/** An answer in LoginRadius's error shape. Thrown anywhere below the HTTP layer's handlers; rendered in one place. */
public final class ApiException extends RuntimeException {
    public final LrError error;
    public final String description;
    public final int status;
    private final ArrayNode errors;
    /** Seconds the client should wait before trying again (sent as {@code Retry-After}); 0 for none. */
    public final long retryAfterSeconds;

    ApiException(LrError error, String description, int status) {
        this(error, description, status, null, 0);
    }

    private ApiException(LrError error, String description, int status, ArrayNode errors, long retryAfterSeconds) {
        super(error.code + " " + error.message + ": " + description, null, false, false);
        this.error = error;
        this.description = description;
        this.status = status;
        this.errors = errors;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public ApiException withStatus(int newStatus) {
        return new ApiException(error, description, newStatus, errors, retryAfterSeconds);
    }

    /** The same answer, telling the client when to try again: at least one second, whole seconds rounded up. */
    public ApiException retryAfterMillis(long millis) {
        return new ApiException(error, description, status, errors, Math.max(1, (millis + 999) / 1000));
    }

    /** 1134 with LoginRadius's {@code Errors: [{FieldName, ErrorMessage}]} list. */
    public static ApiException validation(String field, String message) {
        ArrayNode list = Json.MAPPER.createArrayNode();
        list.addObject().put("FieldName", field).put("ErrorMessage", message);
        return new ApiException(LrError.VALIDATION_FAILED, LrError.VALIDATION_FAILED.description, LrError.VALIDATION_FAILED.status, list, 0);
    }

    public ObjectNode body() {
        ObjectNode body = Json.object();
        body.put("Description", description);
        body.put("ErrorCode", error.code);
        body.put("Message", error.message);
        body.put("IsProviderError", false);
        body.putNull("ProviderErrorResponse");
        if (errors != null) {
            body.set("Errors", errors);
        }
        return body;
    }
}
