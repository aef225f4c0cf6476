package dev.latchkey.login;

import dev.latchkey.support.Backend;

class SessionPostgresTest extends SessionContract {
    @Override
    protected Backend backend() {
        return Backend.POSTGRES;
    }
}
