package io.tidefall.spring.sink;

import javax.sql.DataSource;

import org.springframework.beans.factory.ListableBeanFactory;

import io.tidefall.spring.TidefallConfigurationException;
import io.tidefall.spring.sink.SinkProperties.Jdbc;

/** Builds {@code sink.jdbc} sinks, on the named or the application's only {@link DataSource}. */
public final class JdbcSinkFactory implements SinkFactory {

    private final ListableBeanFactory beans;

    public JdbcSinkFactory(ListableBeanFactory beans) {
        this.beans = beans;
    }

    @Override
    public SinkKind kind() {
        return SinkKind.JDBC;
    }

    @Override
    public Sink create(SinkTarget target) {
        Jdbc jdbc = target.properties().getJdbc();
        String sql = jdbc != null ? jdbc.getSql() : null;
        String sqlProperty = target.property(SinkKind.JDBC, "sql");
        if (jdbc == null || sql == null || sql.isBlank()) {
            throw new TidefallConfigurationException(target.name(),
                    "Buffer '" + target.name() + "': " + target.property(SinkKind.JDBC, "") + " has no sql.",
                    "Set " + sqlProperty + " to the statement to run for each element, with named parameters such as"
                            + (target.isHashMap() ? " :key, :version and the value's properties." : " :id for the element's properties.")
                            + " Write it idempotently (insert ... on conflict do nothing, or merge): delivery is at least once.");
        }
        String dataSourceProperty = target.property(SinkKind.JDBC, "data-source");
        DataSource dataSource = SinkBeans.find(this.beans, target, jdbc.getDataSource(), DataSource.class, dataSourceProperty);
        return new JdbcSink(sql, dataSource, "JDBC sink of buffer '" + target.name() + "' (" + sqlProperty + ")");
    }
}
