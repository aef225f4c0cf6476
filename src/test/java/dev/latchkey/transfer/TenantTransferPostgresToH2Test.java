package dev.latchkey.transfer;

import dev.latchkey.support.Backend;

/** The other way: a PostgreSQL deployment's tenant into an embedded H2 node with its own secret key. */
class TenantTransferPostgresToH2Test extends TenantTransferContract {
    @Override
    protected Backend source() {
        return Backend.POSTGRES;
    }

    @Override
    protected Backend target() {
        return Backend.H2;
    }
}
