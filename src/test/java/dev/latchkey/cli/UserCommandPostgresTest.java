package dev.latchkey.cli;

import dev.latchkey.support.Backend;

class UserCommandPostgresTest extends UserCommandContract {
    @Override
    protected Backend backend() {
        return Backend.POSTGRES;
    }
}
