package dev.latchkey.account;

import dev.latchkey.support.Backend;

class PasswordPostgresTest extends PasswordContract {
    @Override
    protected Backend backend() {
        return Backend.POSTGRES;
    }
}
