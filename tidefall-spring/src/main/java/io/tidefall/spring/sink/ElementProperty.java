package io.tidefall.spring.sink;

import org.jspecify.annotations.Nullable;

import org.springframework.beans.BeanWrapper;
import org.springframework.beans.PropertyAccessor;
import org.springframework.beans.PropertyAccessorFactory;

/**
 * Reads one named property of an element, as Spring JDBC's {@code SimplePropertySqlParameterSource}
 * does: a bean property (getter), else a field, which covers a record's components.
 */
final class ElementProperty {

    private final String name;
    private final String property;

    /**
     * @param name the property to read
     * @param property the configuration property that names it, for messages
     */
    ElementProperty(String name, String property) {
        this.name = name;
        this.property = property;
    }

    @Nullable Object read(Object element) {
        BeanWrapper bean = PropertyAccessorFactory.forBeanPropertyAccess(element);
        if (bean.isReadableProperty(this.name)) {
            return bean.getPropertyValue(this.name);
        }
        PropertyAccessor fields = PropertyAccessorFactory.forDirectFieldAccess(element);
        if (fields.isReadableProperty(this.name)) {
            return fields.getPropertyValue(this.name);
        }
        throw new UnreadablePropertyException(this.property + " is '" + this.name + "', but a "
                + element.getClass().getName() + " has no property or field of that name");
    }

    /** The element does not have the configured property: sending it again cannot help. */
    static final class UnreadablePropertyException extends IllegalArgumentException {

        private static final long serialVersionUID = 1L;

        UnreadablePropertyException(String message) {
            super(message);
        }
    }
}
