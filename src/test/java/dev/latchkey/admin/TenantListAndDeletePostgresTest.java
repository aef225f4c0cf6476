package dev.latchkey.admin;

import dev.latchkey.support.Backend;

class TenantListAndDeletePostgresTest extends TenantListAndDeleteContract {
    @Override
    protected Backend backend() {
        return Backend.POSTGRES;
    }
}
