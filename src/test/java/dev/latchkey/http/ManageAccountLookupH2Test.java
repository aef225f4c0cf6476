package dev.latchkey.http;

import dev.latchkey.support.Backend;

class ManageAccountLookupH2Test extends ManageAccountLookupContract {
    @Override
    protected Backend backend() {
        return Backend.H2;
    }
}
