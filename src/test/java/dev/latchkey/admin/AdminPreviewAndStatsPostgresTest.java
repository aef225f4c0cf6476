package dev.latchkey.admin;

import dev.latchkey.support.Backend;

class AdminPreviewAndStatsPostgresTest extends AdminPreviewAndStatsContract {
    @Override
    protected Backend backend() {
        return Backend.POSTGRES;
    }
}
