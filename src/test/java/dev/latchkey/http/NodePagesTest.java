package dev.latchkey.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.support.Backend;
import dev.latchkey.support.TestServer;
import dev.latchkey.support.TestServer.Reply;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What a person who opens the node's address finds: {@code /} says what this is and where to go, {@code /favicon.ico}
 * is an icon, and the hosted page's files; all with the strict Content-Security-Policy, none with a secret.
 */
class NodePagesTest {
    static final String CSP = "default-src 'self'; img-src 'self' data:; base-uri 'none'; frame-ancestors 'none'";

    static TestServer s;

    @BeforeAll
    static void start() {
        s = new TestServer(Backend.H2);
    }

    @AfterAll
    static void stop() {
        s.close();
    }

    private static void assertPage(Reply r, String contentType) {
        assertThat(r.status()).isEqualTo(200);
        // Jetty writes some content types with a space before the charset, some without.
        assertThat(r.headers().firstValue("Content-Type").orElseThrow().replace("; ", ";")).isEqualTo(contentType);
        assertThat(r.headers().firstValue("Content-Security-Policy")).hasValue(CSP);
        assertThat(r.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
    }

    @Test
    void theRootSaysWhatThisNodeIsAndWhereToGo() {
        Reply r = s.get("/");
        assertPage(r, "text/html;charset=utf-8");
        assertThat(r.raw()).contains("<title>Latchkey</title>", "/identity/v2/", "/hosted?apikey=", "/health/ready",
                "Quick start", "The API", "Passkeys", "Security model", "<link rel=\"icon\" href=\"/favicon.ico\"");
        // Nothing a visitor should not see: no key, no tenant.
        assertThat(r.raw()).doesNotContain(TestServer.ADMIN_KEY, TestServer.SECRET_KEY).doesNotContainPattern("[0-9a-f]{8}-[0-9a-f]{4}-");
        assertThat(r.raw()).doesNotContain("<script").doesNotContain("http://").doesNotContain("https://");
        // Another method on / is still the API's JSON answer.
        Reply post = s.send("POST", "/", "{}");
        assertThat(post.status()).isEqualTo(405);
        assertThat(post.json().get("ErrorCode").asInt()).isEqualTo(405);
    }

    @Test
    void theFaviconIsAnIcon() throws Exception {
        HttpResponse<byte[]> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(s.base + "/favicon.ico")).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("image/x-icon");
        assertThat(r.headers().firstValue("Content-Security-Policy")).hasValue(CSP);
        byte[] icon = r.body();
        // An ICO directory (reserved 0, type 1, one or more images) whose first image is a PNG.
        assertThat(icon.length).isBetween(22 + 8, 4096);
        assertThat(new byte[] {icon[0], icon[1], icon[2], icon[3]}).containsExactly(0, 0, 1, 0);
        int offset = (icon[18] & 0xff) | (icon[19] & 0xff) << 8 | (icon[20] & 0xff) << 16 | (icon[21] & 0xff) << 24;
        assertThat(new String(icon, offset + 1, 3, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("PNG");
    }

    @Test
    void theHostedPageAndItsFilesCarryThePolicy() {
        assertPage(s.get("/hosted"), "text/html;charset=utf-8");
        assertPage(s.get("/hosted/app.js"), "text/javascript;charset=utf-8");
        assertPage(s.get("/hosted/style.css"), "text/css;charset=utf-8");
        assertThat(s.get("/hosted").raw()).contains("<link rel=\"icon\" href=\"/favicon.ico\"");
    }

    @Test
    void theAdminConsoleAndItsFilesCarryThePolicy() {
        assertPage(s.get("/admin"), "text/html;charset=utf-8");
        assertPage(s.get("/admin/console.js"), "text/javascript;charset=utf-8");
        assertPage(s.get("/admin/console.css"), "text/css;charset=utf-8");
        assertThat(s.get("/admin").raw()).contains("<script src=\"/admin/console.js\"></script>").doesNotContain(TestServer.ADMIN_KEY);
    }
}
