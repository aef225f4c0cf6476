package dev.latchkey.account;

import dev.latchkey.support.Backend;

class IdentifierPostgresTest extends IdentifierContract {
    @Override
    protected Backend backend() {
        return Backend.POSTGRES;
    }
}
