package dev.latchkey.account;

import dev.latchkey.support.Backend;

class EmailVerificationPostgresTest extends EmailVerificationContract {
    @Override
    protected Backend backend() {
        return Backend.POSTGRES;
    }
}
