package io.tidefall.spring.sink;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Set;

import org.jspecify.annotations.Nullable;

import org.springframework.jdbc.core.SqlTypeValue;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.SimplePropertySqlParameterSource;
import org.springframework.jdbc.core.namedparam.SqlParameterSource;

import io.tidefall.TidefallHashMap;

/**
 * The named parameters of one element, with Spring JDBC's own parameter sources: a record's
 * components, a bean's properties or fields ({@link SimplePropertySqlParameterSource}), a
 * {@code Map}'s entries ({@link MapSqlParameterSource}). A hash-map's entry offers {@code key},
 * {@code value}, {@code version} and {@code updates}, and every property of its value (the entry's
 * own four names win over a value property of the same name).
 *
 * <p>An {@link Instant} is bound as an {@link OffsetDateTime} at UTC: JDBC 4.2 names the latter,
 * and drivers such as PostgreSQL's refuse the former.
 */
final class ElementParameterSource implements SqlParameterSource {

    private static final Set<String> ENTRY_NAMES = Set.of("key", "value", "version", "updates");

    private final @Nullable SqlParameterSource entry;
    private final SqlParameterSource element;

    private ElementParameterSource(@Nullable SqlParameterSource entry, SqlParameterSource element) {
        this.entry = entry;
        this.element = element;
    }

    static SqlParameterSource of(Object element) {
        if (element instanceof TidefallHashMap.Entry<?, ?> entry) {
            MapSqlParameterSource own = new MapSqlParameterSource()
                    .addValue("key", entry.key())
                    .addValue("value", entry.value())
                    .addValue("version", entry.version())
                    .addValue("updates", entry.updates());
            return new ElementParameterSource(own, source(entry.value()));
        }
        return new ElementParameterSource(null, source(element));
    }

    @SuppressWarnings("unchecked")
    private static SqlParameterSource source(Object element) {
        return element instanceof Map<?, ?> map ? new MapSqlParameterSource((Map<String, ?>) map)
                : new SimplePropertySqlParameterSource(element);
    }

    private SqlParameterSource owner(String name) {
        return this.entry != null && ENTRY_NAMES.contains(name) ? this.entry : this.element;
    }

    @Override
    public boolean hasValue(String paramName) {
        return owner(paramName).hasValue(paramName);
    }

    @Override
    public @Nullable Object getValue(String paramName) {
        Object value = owner(paramName).getValue(paramName);
        return value instanceof Instant instant ? instant.atOffset(ZoneOffset.UTC) : value;
    }

    @Override
    public int getSqlType(String paramName) {
        SqlParameterSource owner = owner(paramName);
        return owner.hasValue(paramName) && owner.getValue(paramName) instanceof Instant ? SqlTypeValue.TYPE_UNKNOWN
                : owner.getSqlType(paramName);
    }

    @Override
    public @Nullable String getTypeName(String paramName) {
        return owner(paramName).getTypeName(paramName);
    }

    @Override
    public String @Nullable [] getParameterNames() {
        return null; // only asked for by callers that list every parameter, which the batch update does not
    }
}
