package dev.latchkey.store;

import dev.latchkey.support.Backend;

class TokenForeignKeysPostgresTest extends TokenForeignKeysContract {
    @Override
    protected Backend backend() {
        return Backend.POSTGRES;
    }
}
