package dev.latchkey.support;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;

/** A suite that runs against one real node per class, on the backend its subclass names (one subclass per store). */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class ServerContract {
    protected TestServer s;

    protected abstract Backend backend();

    /** What the suite's node is given beyond its store (messaging, GeoIP, trusted proxies). */
    protected TestServer.Options options() {
        return TestServer.Options.DEFAULT;
    }

    @BeforeAll
    void startServer() {
        s = new TestServer(backend(), options());
    }

    @AfterAll
    void stopServer() {
        if (s != null) {
            s.close();
        }
    }
}
