package dev.latchkey.admin;

import dev.latchkey.support.Backend;

class TenantListAndDeleteH2Test extends TenantListAndDeleteContract {
    @Override
    protected Backend backend() {
        return Backend.H2;
    }
}
