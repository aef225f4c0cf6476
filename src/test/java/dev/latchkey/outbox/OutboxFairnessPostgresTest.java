package dev.latchkey.outbox;

import dev.latchkey.store.Database;
import dev.latchkey.support.Backend;
import org.junit.jupiter.api.AfterEach;

class OutboxFairnessPostgresTest extends OutboxFairnessContract {
    private String url;

    @Override
    protected Database open() {
        url = Backend.freshPostgresSchema();
        return new Database(url, Backend.PG_USER, Backend.PG_PASSWORD, 2, null);
    }

    @AfterEach
    void drop() {
        Backend.dropPostgresSchema(url);
    }
}
