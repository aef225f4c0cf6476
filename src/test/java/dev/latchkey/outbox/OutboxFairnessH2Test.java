package dev.latchkey.outbox;

import dev.latchkey.store.Database;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

class OutboxFairnessH2Test extends OutboxFairnessContract {
    @TempDir
    Path dir;

    @Override
    protected Database open() {
        return new Database(Database.h2Url(dir), null, null, 2);
    }
}
