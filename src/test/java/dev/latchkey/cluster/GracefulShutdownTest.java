package dev.latchkey.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.support.Backend;
import dev.latchkey.support.TestServer;
import dev.latchkey.support.TestServer.Reply;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** A node that is stopped finishes the requests it has accepted before it goes. */
class GracefulShutdownTest {
    @Test
    void requestsInFlightAreAnsweredWhileTheNodeStops() throws Exception {
        TestServer s = new TestServer(Backend.H2);
        // Sixteen logins of one account at once: its password attempts in flight must be allowed to reach 16.
        TestServer.TestTenant t = s.tenant("{\"Security\":{\"MaxPasswordAttempts\":20}}");
        t.account("drain@example.com", "drain-password");
        // Sixteen logins, each an Argon2id hash (two at a time on two cores): several hundred ms of work in flight.
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            List<Future<Reply>> inFlight = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                inFlight.add(pool.submit(() -> t.login("drain@example.com", "drain-password")));
            }
            Thread.sleep(150);
            s.close();
            for (Future<Reply> f : inFlight) {
                assertThat(f.get().status()).isEqualTo(200);
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
