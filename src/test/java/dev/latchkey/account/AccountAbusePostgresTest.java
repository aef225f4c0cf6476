package dev.latchkey.account;

import dev.latchkey.support.Backend;

class AccountAbusePostgresTest extends AccountAbuseContract {
    @Override
    protected Backend backend() {
        return Backend.POSTGRES;
    }
}
