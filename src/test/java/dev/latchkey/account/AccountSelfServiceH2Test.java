package dev.latchkey.account;

import dev.latchkey.support.Backend;

class AccountSelfServiceH2Test extends AccountSelfServiceContract {
    @Override
    protected Backend backend() {
        return Backend.H2;
    }
}
