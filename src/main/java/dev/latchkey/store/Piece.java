package dev.latchkey.store;

import java.util.List;
import java.util.function.Consumer;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.SqlStatement;
import org.jdbi.v3.core.statement.Update;

/**
 * A statement that may run as a piece of a larger one: its SQL, naming its parameters, and what binds them. PostgreSQL
 * runs several data-modifying pieces as one statement ({@code WITH a AS (piece), b AS (piece) last}), so one round trip
 * and one statement's work in the node instead of one per piece; H2 has no data-modifying WITH, so there each piece is a
 * statement of its own ({@link #execute}). A piece of a WITH is always run to completion, read by the last statement or
 * not (PostgreSQL's rule), and none sees the others' writes: a piece that needs another's outcome reads its RETURNING by
 * name.
 *
 * <p>A piece may also be an expression for the last statement's select list (then its name is unused and it is never
 * run by itself). Pieces put in one statement share a parameter name only when they mean the same value ({@code :t} the tenant,
 * {@code :uid} the account, {@code :now} the time): their binds are applied to the one statement in turn.
 */
public record Piece(String name, String sql, Consumer<SqlStatement<?>> binds) {
    /** Runs the piece as a statement of its own; how many rows it wrote. */
    public int execute(Handle h) {
        Update u = h.createUpdate(sql);
        binds.accept(u);
        return u.execute();
    }

    /** This piece with {@code clause} appended to its SQL (a RETURNING, a further condition), the same binds. */
    public Piece with(String clause) {
        return new Piece(name, sql + clause, binds);
    }

    /**
     * This piece, an {@code INSERT … VALUES (…)}, inserting its row only when the piece named {@code name} returned one
     * ({@code INSERT … SELECT … FROM name}, a row per row it returned), the same binds.
     */
    public Piece onlyFor(String name) {
        java.util.regex.Matcher values = VALUES.matcher(sql);
        if (!sql.startsWith("INSERT INTO ") || !sql.endsWith(")") || !values.find()) {
            throw new IllegalStateException("not an INSERT ... VALUES (...): " + sql);
        }
        return new Piece(this.name, sql.substring(0, values.start() + 1) + " SELECT " + sql.substring(values.end(), sql.length() - 1)
                + " FROM " + name, binds);
    }

    private static final java.util.regex.Pattern VALUES = java.util.regex.Pattern.compile("\\)\\s*VALUES\\s*\\(");

    /** PostgreSQL: {@code pieces} as the WITH clauses, each by its name, in front of {@code last}. */
    public static String with(List<Piece> pieces, String last) {
        StringBuilder sql = new StringBuilder("WITH ");
        for (int i = 0; i < pieces.size(); i++) {
            Piece p = pieces.get(i);
            sql.append(i == 0 ? "" : ",\n     ").append(p.name()).append(" AS (").append(p.sql()).append(')');
        }
        return sql.append('\n').append(last).toString();
    }

    /** Binds every piece's parameters on {@code statement}. */
    public static void bind(SqlStatement<?> statement, List<Piece> pieces) {
        pieces.forEach(p -> p.binds().accept(statement));
    }
}
