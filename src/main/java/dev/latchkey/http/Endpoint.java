package dev.latchkey.http;

import dev.latchkey.error.ApiException;
import com.fasterxml.jackson.databind.JsonNode;

/** A route's handler: reads the request, answers the JSON body of a 200 (or throws {@link ApiException}). */
@FunctionalInterface
public interface Endpoint {
    JsonNode handle(LrRequest request) throws Exception;
}
