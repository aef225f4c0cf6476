package dev.latchkey.bench;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The stack's own start, for {@link Startup}'s {@code --floor}: picocli parses the command line, SLF4J/Logback logs,
 * HikariCP opens an H2 file database, Jdbi creates a table and runs a query, Jackson writes a body, and Javalin (Jetty)
 * answers {@code /health/ready} with a pooled {@code SELECT 1}. Nothing of Latchkey's own: what any node built on this
 * stack spends before it can answer, the floor under Latchkey's start-up.
 */
@Command(name = "floor", mixinStandardHelpOptions = true)
public final class StackFloor implements java.util.concurrent.Callable<Integer> {
    @Option(names = "--port", description = "Port to listen on.")
    int port;
    @Option(names = "--data-dir", required = true, description = "Directory for the H2 database.")
    String dataDir;
    @Option(names = "--host", defaultValue = "127.0.0.1", description = "Address to listen on.")
    String host;

    public static void main(String[] args) {
        int code = new CommandLine(new StackFloor()).execute(args);
        if (code != 0) {
            System.exit(code);
        }
    }

    @Override
    public Integer call() throws Exception {
        org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger("floor");
        com.zaxxer.hikari.HikariConfig cfg = new com.zaxxer.hikari.HikariConfig();
        cfg.setJdbcUrl("jdbc:h2:file:" + dataDir + "/floor;DB_CLOSE_ON_EXIT=FALSE");
        cfg.setMaximumPoolSize(8);
        com.zaxxer.hikari.HikariDataSource ds = new com.zaxxer.hikari.HikariDataSource(cfg);
        org.jdbi.v3.core.Jdbi jdbi = org.jdbi.v3.core.Jdbi.create(ds);
        jdbi.useHandle(h -> h.execute("CREATE TABLE IF NOT EXISTS t (id BIGINT PRIMARY KEY, v VARCHAR(100))"));
        int n = jdbi.withHandle(h -> h.createQuery("SELECT COUNT(*) FROM t WHERE v = :v").bind("v", "x").mapTo(Integer.class).one());
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        String body = json.writeValueAsString(java.util.Map.of("Status", "ok", "Rows", n));
        io.javalin.Javalin app = io.javalin.Javalin.create(config -> {
            config.jetty.host = host;
            config.jetty.port = port;
            config.startup.showJavalinBanner = false;
            config.routes.get("/health/ready", ctx -> ctx.contentType("application/json").result(
                    jdbi.withHandle(h -> h.createQuery("SELECT 1").mapTo(Integer.class).one()) == 1 ? body : "{}"));
        });
        app.start();
        log.info("ready on {}", port);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            app.stop();
            ds.close();
        }));
        Thread.currentThread().join();
        return 0;
    }
}
