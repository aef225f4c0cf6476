package dev.latchkey.login;

import dev.latchkey.support.Backend;

class PasswordlessPostgresTest extends PasswordlessContract {
    @Override
    protected Backend backend() {
        return Backend.POSTGRES;
    }
}
