package dev.latchkey.store;

import dev.latchkey.support.Backend;

class PurgePostgresTest extends PurgeContract {
    @Override
    protected Backend backend() {
        return Backend.POSTGRES;
    }
}
