package dev.latchkey.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.latchkey.json.Json;

/** An answer in LoginRadius's error shape. Thrown anywhere below the HTTP layer's handlers; rendered in one place. */
public final class ApiException extends RuntimeException {
    public final LrError error;
    public final String description;
    public final int status;
    private final ArrayNode errors;

    ApiException(LrError error, String description, int status) {
        this(error, description, status, null);
    }

    private ApiException(LrError error, String description, int status, ArrayNode errors) {
        super(error.code + " " + error.message + ": " + description, null, false, false);
        this.error = error;
        this.description = description;
        this.status = status;
        this.errors = errors;
    }

    public ApiException withStatus(int newStatus) {
        return new ApiException(error, description, newStatus, errors);
    }

    /** 1134 with LoginRadius's {@code Errors: [{FieldName, ErrorMessage}]} list. */
    public static ApiException validation(String field, String message) {
        ArrayNode list = Json.MAPPER.createArrayNode();
        list.addObject().put("FieldName", field).put("ErrorMessage", message);
        return new ApiException(LrError.VALIDATION_FAILED, LrError.VALIDATION_FAILED.description, LrError.VALIDATION_FAILED.status, list);
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
