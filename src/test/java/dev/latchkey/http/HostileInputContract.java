package dev.latchkey.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.latchkey.json.Json;
import dev.latchkey.support.ServerContract;
import dev.latchkey.support.TestServer.Reply;
import dev.latchkey.support.TestServer.TestTenant;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Input an attacker sends on purpose: deep and huge values, NUL and lone surrogates (which PostgreSQL refuses or turns
 * into '?'), and requests so broken that the web server answers them itself. Every one gets a LoginRadius JSON error
 * with the right status, never a stack trace, an HTML page or a 5xx.
 */
abstract class HostileInputContract extends ServerContract {
    TestTenant t;

    @BeforeAll
    void seed() {
        t = s.mfaTenant(false);
        t.account("hostile@example.com", "hostile-password");
    }

    private static void assertLoginRadiusError(Reply r, int status, int code) {
        assertThat(r.status()).as(r.raw()).isEqualTo(status);
        assertThat(r.json()).as(r.raw()).isNotNull();
        List<String> keys = new ArrayList<>();
        r.json().fieldNames().forEachRemaining(keys::add);
        assertThat(keys).as(r.raw()).startsWith("Description", "ErrorCode", "Message", "IsProviderError", "ProviderErrorResponse");
        assertThat(r.json().get("ErrorCode").asInt()).as(r.raw()).isEqualTo(code);
    }

    private static String field(Reply r) {
        return r.json().path("Errors").path(0).path("FieldName").asText(null);
    }

    private Reply login(String body) {
        return s.send("POST", "/identity/v2/auth/login/2fa?apikey=" + t.apiKey(), body, "Content-Type", "application/json");
    }

    @Test
    void aDeepFieldsProjectionIsRefusedNotOverflowed() {
        String deep = "a/".repeat(1500) + "b";
        Reply r = s.get("/identity/v2/auth/account?apikey=" + t.apiKey() + "&fields=" + deep);
        assertLoginRadiusError(r, 403, 908);
        assertThat(r.json().path("Description").asText()).isEqualTo("The fields parameter is not formatted correctly.");
        Reply nested = s.get("/identity/v2/auth/account?apikey=" + t.apiKey() + "&fields=" + "a(".repeat(1000) + "b" + ")".repeat(1000));
        assertLoginRadiusError(nested, 403, 908);
        // Deeper still does not fit in a request line: the web server's own 431, in the same shape.
        assertLoginRadiusError(s.get("/identity/v2/auth/account?apikey=" + t.apiKey() + "&fields=" + "a/".repeat(4000) + "b"), 431, 431);
    }

    @Test
    void nulInALoginIdentifierIsRefusedNamingTheField() {
        for (String key : new String[] {"email", "username", "phone"}) {
            Reply r = login("{\"" + key + "\":\"host\\u0000ile@example.com\",\"password\":\"hostile-password\"}");
            assertLoginRadiusError(r, 403, 1134);
            assertThat(field(r)).isEqualTo(key);
        }
        Reply password = login("{\"email\":\"hostile@example.com\",\"password\":\"hostile\\u0000password\"}");
        assertLoginRadiusError(password, 403, 1134);
        assertThat(field(password)).isEqualTo("password");
    }

    @Test
    void nulAndLoneSurrogatesInAProfileAreRefusedNamingTheField() {
        Reply email = t.manage("POST", "/identity/v2/manage/account", "{\"Email\":[{\"Type\":\"Primary\",\"Value\":\"nul\\u0000@example.com\"}]}");
        assertLoginRadiusError(email, 403, 1134);
        assertThat(field(email)).isEqualTo("Email[0].Value");
        Reply name = t.manage("POST", "/identity/v2/manage/account", "{\"UserName\":\"lone\\ud800\"}");
        assertLoginRadiusError(name, 403, 1134);
        assertThat(field(name)).isEqualTo("UserName");
        Reply first = t.manage("POST", "/identity/v2/manage/account", "{\"UserName\":\"fine-" + UUID.randomUUID() + "\",\"FirstName\":\"A\\udc00B\"}");
        assertLoginRadiusError(first, 403, 1134);
        assertThat(field(first)).isEqualTo("FirstName");
        Reply key = t.manage("POST", "/identity/v2/manage/account", "{\"UserName\":\"fine\",\"CustomFields\":{\"k\\u0000\":\"v\"}}");
        assertLoginRadiusError(key, 403, 1134);
        // Nothing was created: the same name with the character the database would have put in its place is free.
        assertThat(t.manage("POST", "/identity/v2/manage/account", "{\"UserName\":\"lone?\"}").status()).isEqualTo(200);
    }

    @Test
    void nulInAQueryOrPathParameterIsRefused() {
        Reply query = t.manage("GET", "/identity/v2/manage/account/2fa/backupcode?uid=ab%00cd", null);
        assertLoginRadiusError(query, 403, 908);
        assertThat(query.json().path("Description").asText()).isEqualTo("The uid parameter contains a character that is not allowed.");
        Reply path = t.manage("GET", "/identity/v2/manage/account/ab%00cd", null);
        assertThat(path.status()).as(path.raw()).isLessThan(500);
        assertThat(path.json()).as(path.raw()).isNotNull();
        assertThat(path.json().has("ErrorCode")).isTrue();
    }

    /** A raw HTTP/1.1 exchange, for requests no well-behaved client would send. */
    private Reply raw(String request) throws Exception {
        URI base = URI.create(s.base);
        try (Socket socket = new Socket(base.getHost(), base.getPort())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream buf = new ByteArrayOutputStream();
            byte[] b = new byte[8192];
            int n;
            try {
                while ((n = in.read(b)) >= 0) {
                    buf.write(b, 0, n);
                    String sofar = buf.toString(StandardCharsets.UTF_8);
                    int headerEnd = sofar.indexOf("\r\n\r\n");
                    if (headerEnd >= 0 && sofar.toLowerCase().contains("content-length:")) {
                        int len = Integer.parseInt(sofar.replaceAll("(?is).*content-length:\\s*(\\d+).*", "$1"));
                        if (sofar.getBytes(StandardCharsets.UTF_8).length >= headerEnd + 4 + len) {
                            break;
                        }
                    }
                }
            } catch (java.net.SocketTimeoutException e) {
                // what arrived is the answer
            }
            String text = buf.toString(StandardCharsets.UTF_8);
            int status = Integer.parseInt(text.substring(9, 12));
            String body = text.substring(text.indexOf("\r\n\r\n") + 4);
            JsonNode json;
            try {
                json = Json.parse(body);
            } catch (RuntimeException e) {
                json = null;
            }
            return new Reply(status, json, text, null);
        }
    }

    @Test
    void requestsTheWebServerRefusesStillGetLoginRadiusErrors() throws Exception {
        String host = "Host: 127.0.0.1\r\n";
        assertLoginRadiusError(raw("GET /identity/v2/auth/%zz HTTP/1.1\r\n" + host + "Connection: close\r\n\r\n"), 400, 400);
        assertLoginRadiusError(raw("GET /identity/v2/auth/account?x=" + "a".repeat(20_000) + " HTTP/1.1\r\n" + host + "Connection: close\r\n\r\n"), 414, 414);
        assertLoginRadiusError(raw("GET /health/ready HTTP/1.1\r\n" + host + "X-Big: " + "a".repeat(20_000) + "\r\nConnection: close\r\n\r\n"), 431, 431);
        assertLoginRadiusError(raw("GET /health/ready HTTP/7.1\r\n" + host + "Connection: close\r\n\r\n"), 505, 505);
        assertLoginRadiusError(raw("POST /identity/v2/auth/login/2fa HTTP/1.1\r\n" + host + "Content-Length: abc\r\nConnection: close\r\n\r\n{}"), 400, 400);
        assertLoginRadiusError(raw("POST /identity/v2/auth/login/2fa HTTP/1.1\r\n" + host
                + "Transfer-Encoding: chunked\r\nContent-Length: 2\r\nConnection: close\r\n\r\nzz\r\n"), 400, 400);
    }

    @Test
    void aBaseUrlWithATrailingSlashStillReachesTheApi() {
        Reply r = s.send("POST", "//identity/v2/auth/login/2fa?apikey=" + t.apiKey(),
                "{\"email\":\"hostile@example.com\",\"password\":\"hostile-password\"}", "Content-Type", "application/json");
        assertThat(r.status()).as(r.raw()).isEqualTo(200);
        assertThat(r.json().has("access_token")).isTrue();
    }
}
