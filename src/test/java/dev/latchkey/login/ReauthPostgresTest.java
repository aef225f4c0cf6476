package dev.latchkey.login;

import dev.latchkey.support.Backend;

class ReauthPostgresTest extends ReauthContract {
    @Override
    protected Backend backend() {
        return Backend.POSTGRES;
    }
}
