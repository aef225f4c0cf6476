package dev.latchkey.account;

import dev.latchkey.support.Backend;

class PhoneAccountPostgresTest extends PhoneAccountContract {
    @Override
    protected Backend backend() {
        return Backend.POSTGRES;
    }
}
