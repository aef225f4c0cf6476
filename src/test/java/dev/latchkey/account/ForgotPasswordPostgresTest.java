package dev.latchkey.account;

import dev.latchkey.support.Backend;

class ForgotPasswordPostgresTest extends ForgotPasswordContract {
    @Override
    protected Backend backend() {
        return Backend.POSTGRES;
    }
}
