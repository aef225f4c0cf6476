package dev.latchkey.account;

import dev.latchkey.support.Backend;

class BreachedPasswordPostgresTest extends BreachedPasswordContract {
    @Override
    protected Backend backend() {
        return Backend.POSTGRES;
    }
}
