package dev.latchkey.server;

import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/** The node-wide settings in the server_settings table (the admin key's hash, the demo tenant, the key check value). */
final class ServerSettings {
    private ServerSettings() {}

    static Optional<String> get(Jdbi jdbi, String name) {
        return jdbi.withHandle(h -> h.createQuery("SELECT setting FROM server_settings WHERE name = :n")
                .bind("n", name).mapTo(String.class).findOne());
    }

    /** Inserts the setting unless present; true when this node's insert won (safe when nodes start together). */
    static boolean claim(Jdbi jdbi, String name, String value) {
        try {
            jdbi.useHandle(h -> h.createUpdate("INSERT INTO server_settings (name, setting) VALUES (:n, :v)")
                    .bind("n", name).bind("v", value).execute());
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }
}
