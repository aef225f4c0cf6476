package dev.latchkey.account;

import dev.latchkey.support.Backend;

class AccountAbuseH2Test extends AccountAbuseContract {
    @Override
    protected Backend backend() {
        return Backend.H2;
    }
}
