package dev.latchkey.admin;

import dev.latchkey.support.Backend;

class AdminAccountSecurityPostgresTest extends AdminAccountSecurityContract {
    @Override
    protected Backend backend() {
        return Backend.POSTGRES;
    }
}
