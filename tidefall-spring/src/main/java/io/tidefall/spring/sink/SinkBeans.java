package io.tidefall.spring.sink;

import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ListableBeanFactory;

import io.tidefall.spring.TidefallConfigurationException;

/** Finds the bean a sink writes through: the one its configuration names, or the application's only one. */
final class SinkBeans {

    private SinkBeans() {
    }

    /**
     * @param name the bean name the configuration gives, or {@code null} for the only (or primary)
     *     bean of {@code type}
     * @param property the property that names it, for messages
     */
    static <T> T find(ListableBeanFactory beans, SinkTarget target, @Nullable String name, Class<T> type, String property) {
        String kind = type.getSimpleName();
        String aKind = ("AEIOU".indexOf(kind.charAt(0)) >= 0 ? "an " : "a ") + kind;
        String[] known = beans.getBeanNamesForType(type);
        String listed = known.length > 0 ? " (" + String.join(", ", known) + ")" : " (there is none)";
        if (name != null) {
            if (name.isBlank() || !beans.containsBean(name) || !beans.isTypeMatch(name, type)) {
                throw new TidefallConfigurationException(target.name(),
                        "Buffer '" + target.name() + "': " + property + " is '" + name + "', but there is no " + kind
                                + " bean of that name" + (!name.isBlank() && beans.containsBean(name)
                                        ? " (a bean '" + name + "' exists, of another type)" : "") + ".",
                        "Set " + property + " to the name of " + aKind + " bean" + listed + ".");
            }
            return beans.getBean(name, type);
        }
        T only = beans.getBeanProvider(type).getIfUnique();
        if (only == null) {
            throw new TidefallConfigurationException(target.name(),
                    "Buffer '" + target.name() + "': " + target.property() + " needs " + aKind + ", and the application has "
                            + (known.length == 0 ? "none" : known.length + listed.replace(" (", ": ").replace(")", "")
                                    + ", none of them primary") + ".",
                    known.length == 0 ? "Declare " + aKind + " bean (Spring Boot configures one when its starter is on the class path)."
                            : "Set " + property + " to the one to use.");
        }
        return only;
    }
}
