package dev.latchkey.transfer;

import dev.latchkey.support.Backend;

/** The migration: an embedded H2 node's tenant into a PostgreSQL deployment with its own secret key. */
class TenantTransferH2ToPostgresTest extends TenantTransferContract {
    @Override
    protected Backend source() {
        return Backend.H2;
    }

    @Override
    protected Backend target() {
        return Backend.POSTGRES;
    }
}
