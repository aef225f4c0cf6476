package dev.latchkey.http;

import dev.latchkey.support.Backend;

class ManageAccountLookupPostgresTest extends ManageAccountLookupContract {
    @Override
    protected Backend backend() {
        return Backend.POSTGRES;
    }
}
