package dev.latchkey.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.latchkey.crypto.Secrets;
import dev.latchkey.json.Json;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * How an operator's command reaches a node's admin API: {@code --url} and {@code --admin-key}, each defaulting from the
 * environment ({@link Main#environmentDefaults}) so that {@code export LATCHKEY_ADMIN_KEY=…} alone is enough. Prints the
 * node's JSON answer; every failure is one line that says what failed and what to do.
 */
final class NodeConnection {
    static final String DEFAULT_URL = "http://localhost:8080";

    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

    // Defaults come from Main.environmentDefaults (LATCHKEY_URL, then LATCHKEY_SERVER, then DEFAULT_URL).
    @Option(names = {"--url", "--server"}, paramLabel = "URL",
            description = "Base URL of a node (LATCHKEY_URL; --server and LATCHKEY_SERVER also work). Default: ${DEFAULT-VALUE}.")
    String url;

    @Option(names = "--admin-key", paramLabel = "KEY",
            description = "The node's admin key (LATCHKEY_ADMIN_KEY; the first start of a node prints it).")
    String adminKey;

    /** {@code /admin/v1/tenants/{apiKey}}; a value that is no ApiKey is refused here, before anything is sent. */
    String tenantPath(String apiKey) {
        if (!Secrets.isGuid(apiKey)) {
            throw new ParameterException(command.commandLine(), "'" + apiKey + "' is not an ApiKey: ApiKeys are GUIDs such as "
                    + "3f2a9c1e-5b7d-4e8f-9a0b-1c2d3e4f5a6b; 'latchkey tenant list' shows them.");
        }
        return "/admin/v1/tenants/" + segment(apiKey);
    }

    /** One URL path segment, encoded (template names have spaces; ids come from the operator's terminal). */
    static String segment(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** Sends the request and prints the node's JSON answer; 0 when it answered 200, 1 otherwise (its error on stderr too). */
    int send(String method, String path, JsonNode body) throws InterruptedException {
        Answer answer = admin(method, path, body);
        print(answer.json());
        if (answer.ok()) {
            return 0;
        }
        command.commandLine().getErr().println("latchkey: " + answer.refusal() + adminKeyHint(answer));
        return 1;
    }

    /** The answer to a request with the admin key (the admin API). */
    Answer admin(String method, String path, JsonNode body) throws InterruptedException {
        return exchange(method, path, body, "Authorization", "Bearer " + adminKey());
    }

    /**
     * A request with the admin key and {@code headers}, whose answer must be 200: its JSON; any other answer is a
     * {@link Failure} that says what the node said (an export's pages, an import's batches).
     */
    JsonNode call(String method, String path, JsonNode body, java.util.Map<String, String> headers) throws InterruptedException {
        java.util.List<String> all = new java.util.ArrayList<>(java.util.List.of("Authorization", "Bearer " + adminKey()));
        headers.forEach((k, v) -> {
            all.add(k);
            all.add(v);
        });
        Answer answer = exchange(method, path, body, all.toArray(String[]::new));
        if (!answer.ok()) {
            throw new Failure(answer.refusal() + adminKeyHint(answer));
        }
        return answer.json();
    }

    /** The admin key the operator gave; refused (a usage error) when none was. */
    private String adminKey() {
        String key = adminKey == null || adminKey.isBlank() ? null : adminKey.trim();
        if (key == null) {
            throw new ParameterException(command.commandLine(),
                    "no admin key: set LATCHKEY_ADMIN_KEY (the first start of a node prints it) or give --admin-key.");
        }
        return key;
    }

    /** What to add to a refusal of the admin key (6002). */
    static String adminKeyHint(Answer answer) {
        return answer.json().path("ErrorCode").asInt() == 6002 ? " Is LATCHKEY_ADMIN_KEY (or --admin-key) this node's admin key?" : "";
    }

    /**
     * Sends the request with these headers (name, value, …) and JSON, nothing else: credentials go in headers, never in
     * {@code path}. Every failure to get a JSON answer is a {@link Failure}.
     */
    Answer exchange(String method, String path, JsonNode body, String... headers) throws InterruptedException {
        String base = base();
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(120))
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(Json.write(body)));
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        HttpResponse<String> answer;
        try {
            answer = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build()
                    .send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (ConnectException e) {
            throw unreachable(base, "connection refused");
        } catch (HttpConnectTimeoutException e) {
            throw unreachable(base, "no connection within 10 s");
        } catch (HttpTimeoutException e) {
            throw new Failure(base + " accepted the connection but did not answer within 120 s: is it a Latchkey node, and is it healthy?");
        } catch (IOException e) {
            throw unreachable(base, e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
        }
        JsonNode json;
        try {
            json = Json.parse(answer.body());
        } catch (RuntimeException e) {
            json = null;
        }
        if (json == null || !json.isContainerNode()) {
            throw new Failure(base + " answered HTTP " + answer.statusCode() + " with something other than Latchkey's JSON: "
                    + "is --url (LATCHKEY_URL) a Latchkey node?");
        }
        return new Answer(answer.statusCode(), json);
    }

    /** A node's answer: its HTTP status and its JSON. */
    record Answer(int status, JsonNode json) {
        boolean ok() {
            return status == 200;
        }

        /** The refusal in one line: {@code the node answered HTTP 403, ErrorCode 938: <Description>}. */
        String refusal() {
            StringBuilder why = new StringBuilder(json.path("Description").asText(""));
            for (JsonNode e : json.path("Errors")) {
                why.append(' ').append(e.path("FieldName").asText("")).append(": ").append(e.path("ErrorMessage").asText(""));
            }
            return "the node answered HTTP " + status + ", ErrorCode " + json.path("ErrorCode").asText("?") + ": " + why;
        }
    }

    /** The base URL without trailing slashes; refused unless it is an http(s) URL. */
    private String base() {
        String value = url == null || url.isBlank() ? DEFAULT_URL : url.trim();
        try {
            URI uri = new URI(value);
            if (uri.getHost() == null || !("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))) {
                throw new URISyntaxException(value, "not an http(s) URL");
            }
        } catch (URISyntaxException e) {
            throw new ParameterException(command.commandLine(),
                    "--url: '" + value + "' is not a node's URL; it looks like " + DEFAULT_URL + " or https://id.example.com.");
        }
        return value.replaceAll("/+$", "");
    }

    private static Failure unreachable(String base, String why) {
        return new Failure("cannot reach a Latchkey node at " + base + " (" + why + "): start one with 'latchkey serve', "
                + "or point --url (LATCHKEY_URL) at it.");
    }

    /** A failure the operator can act on, told in one line (no stack trace); the command exits 1. */
    static final class Failure extends RuntimeException {
        Failure(String message) {
            super(message, null, false, false);
        }
    }

    /** The node's answer, indented, as the operator reads it. */
    void print(JsonNode json) {
        java.io.PrintWriter out = command.commandLine().getOut();
        try {
            out.println(Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(json));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        out.flush();
    }
}
