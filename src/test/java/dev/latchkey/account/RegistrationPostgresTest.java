package dev.latchkey.account;

import dev.latchkey.support.Backend;

class RegistrationPostgresTest extends RegistrationContract {
    @Override
    protected Backend backend() {
        return Backend.POSTGRES;
    }
}
