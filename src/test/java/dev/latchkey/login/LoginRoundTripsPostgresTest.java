package dev.latchkey.login;

import dev.latchkey.support.Backend;

class LoginRoundTripsPostgresTest extends LoginRoundTripsContract {
    @Override
    protected Backend backend() {
        return Backend.POSTGRES;
    }
}
