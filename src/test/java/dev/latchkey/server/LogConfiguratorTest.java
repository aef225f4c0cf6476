package dev.latchkey.server;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.core.ConsoleAppender;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The log configuration is made in code (no XML parsed at start, issue 16) and says what logback.xml said. */
class LogConfiguratorTest {
    @Test
    void theNodeLogsToStandardErrorAtInfoWithTheLibrariesQuietAndNoXmlIsRead() {
        assertThat(getClass().getClassLoader().getResource("logback.xml")).as("no XML for Logback to parse").isNull();
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        ch.qos.logback.classic.Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        assertThat(root.getLevel()).isEqualTo(Level.INFO);
        var appender = root.getAppender(LogConfigurator.APPENDER);
        assertThat(appender).isInstanceOf(ConsoleAppender.class);
        ConsoleAppender<?> console = (ConsoleAppender<?>) appender;
        assertThat(console.getTarget()).isEqualTo("System.err");
        assertThat(((PatternLayoutEncoder) console.getEncoder()).getPattern())
                .isEqualTo("%d{HH:mm:ss.SSS} %-5level [%thread] %logger{20} - %msg%n");
        for (String quiet : new String[] {"org.eclipse.jetty", "com.zaxxer.hikari", "org.flywaydb", "io.javalin"}) {
            assertThat(context.getLogger(quiet).getLevel()).as(quiet).isEqualTo(Level.WARN);
        }
        assertThat(context.getLogger("dev.latchkey").getEffectiveLevel()).isEqualTo(Level.INFO);
    }
}
