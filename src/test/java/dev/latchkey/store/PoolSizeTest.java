package dev.latchkey.store;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** {@code --db-pool-size auto}: the pool by where the database runs (README, Connections; BENCHMARKS.md, thirteenth session). */
class PoolSizeTest {
    @Test
    void aPostgresOnThisMachineIsOneAtLoopbackAddressesOnly() {
        for (String url : new String[] {"jdbc:postgresql://127.0.0.1:5432/test",
                "jdbc:postgresql://localhost/latchkey", "jdbc:postgresql://LOCALHOST:5432/latchkey?sslmode=disable",
                "jdbc:postgresql://127.1.2.3/x", "jdbc:postgresql://[::1]:5432/x", "jdbc:postgresql://[0:0:0:0:0:0:0:1]/x",
                "jdbc:postgresql:///latchkey", "jdbc:postgresql://localhost:5432,127.0.0.1:5433/x?targetServerType=primary",
                "jdbc:postgresql://db.localhost/x"}) {
            assertThat(Database.postgresOnThisMachine(url)).as(url).isTrue();
        }
        for (String url : new String[] {"jdbc:postgresql://db.example.com:5432/latchkey", "jdbc:postgresql://10.0.0.5/latchkey",
                "jdbc:postgresql://127.0.0.1.example.com/x", "jdbc:postgresql://localhost.example.com/x", "jdbc:postgresql://[2001:db8::1]:5432/x",
                "jdbc:postgresql://127.0.0.1:5432,db2.example.com:5432/x", "jdbc:postgresql://128.0.0.1/x",
                "jdbc:postgresql://db/x?host=127.0.0.1", "jdbc:h2:file:/tmp/x/latchkey;WRITE_DELAY=0"}) {
            assertThat(Database.postgresOnThisMachine(url)).as(url).isFalse();
        }
    }

    @Test
    void theDefaultPoolIsSmallBesideAPostgresAndSixteenOtherwise() {
        assertThat(Database.defaultPoolSize("jdbc:postgresql://127.0.0.1:5432/test", 2)).isEqualTo(5);
        assertThat(Database.defaultPoolSize("jdbc:h2:file:/tmp/x/latchkey", 2)).isEqualTo(16);
        assertThat(Database.defaultPoolSize("jdbc:postgresql://127.0.0.1:5432/test", 1)).isEqualTo(4);
        assertThat(Database.defaultPoolSize("jdbc:postgresql://127.0.0.1:5432/test", 4)).isEqualTo(9);
        assertThat(Database.defaultPoolSize("jdbc:postgresql://127.0.0.1:5432/test", 64)).isEqualTo(16);
        assertThat(Database.defaultPoolSize("jdbc:postgresql://db.example.com:5432/latchkey", 2)).isEqualTo(16);
        assertThat(Database.defaultPoolSize("jdbc:postgresql://db.example.com:5432/latchkey", 64)).isEqualTo(16);
    }
}
