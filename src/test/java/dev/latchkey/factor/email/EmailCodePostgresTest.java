package dev.latchkey.factor.email;

import dev.latchkey.support.Backend;

class EmailCodePostgresTest extends EmailCodeContract {
    @Override
    protected Backend backend() {
        return Backend.POSTGRES;
    }
}
