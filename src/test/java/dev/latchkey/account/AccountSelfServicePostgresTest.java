package dev.latchkey.account;

import dev.latchkey.support.Backend;

class AccountSelfServicePostgresTest extends AccountSelfServiceContract {
    @Override
    protected Backend backend() {
        return Backend.POSTGRES;
    }
}
