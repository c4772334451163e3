package io.tidefall;

import java.util.AbstractList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.RandomAccess;

/**
 * How a drained table becomes what the processor receives: in push order, sorted by the builder's
 * {@code ordering}, or sorted by keys its {@code sortKey} computed at push time (the table then
 * holds {@link Keyed} pairs, unwrapped here).
 *
 * @param <E> the element type the processor receives
 */
interface DeliveryOrder<E> {

    /** The drained table as elements, in push order: cheap, runs no user code, never throws. */
    List<E> elements(List<E> drained);

    /**
     * The elements in delivery order. May run user code (a comparator) that throws or hangs: the
     * drain calls it only after it has published {@link #elements}, so that a failure here can
     * hand the whole table over. Sorts a copy, stably (ties keep push order).
     */
    List<E> ordered(List<E> drained);

    /** Whether {@link #ordered} does anything at all. */
    boolean orders();

    static <E> DeliveryOrder<E> pushOrder() {
        return new DeliveryOrder<>() {
            @Override
            public List<E> elements(List<E> drained) {
                return drained;
            }

            @Override
            public List<E> ordered(List<E> drained) {
                return drained;
            }

            @Override
            public boolean orders() {
                return false;
            }
        };
    }

    static <E> DeliveryOrder<E> by(Comparator<? super E> ordering) {
        return new DeliveryOrder<>() {
            @Override
            public List<E> elements(List<E> drained) {
                return drained;
            }

            @Override
            @SuppressWarnings("unchecked")
            public List<E> ordered(List<E> drained) {
                Object[] array = drained.toArray();
                Arrays.sort(array, (Comparator<Object>) ordering);
                return (List<E>) Arrays.asList(array);
            }

            @Override
            public boolean orders() {
                return true;
            }
        };
    }

    /** For a table whose slots hold {@link Keyed} pairs. */
    static <E> DeliveryOrder<E> bySortKey() {
        return new DeliveryOrder<>() {
            @Override
            public List<E> elements(List<E> drained) {
                return new Unwrapped<>(drained.toArray());
            }

            @Override
            @SuppressWarnings({"unchecked", "rawtypes"})
            public List<E> ordered(List<E> drained) {
                Object[] pairs = drained.toArray();
                Arrays.sort(pairs, (a, b) -> ((Comparable) ((Keyed<?>) a).key).compareTo(((Keyed<?>) b).key));
                return new Unwrapped<>(pairs);
            }

            @Override
            public boolean orders() {
                return true;
            }
        };
    }

    /** An item with the sort key computed on its writer's thread. */
    final class Keyed<T> {
        final Comparable<?> key;
        final T item;

        Keyed(Comparable<?> key, T item) {
            this.key = key;
            this.item = item;
        }
    }

    /** The items of an array of {@link Keyed} pairs, as a list the processor may keep and change. */
    final class Unwrapped<E> extends AbstractList<E> implements RandomAccess {
        private final Object[] items;

        @SuppressWarnings("unchecked")
        Unwrapped(Object[] pairs) {
            items = new Object[pairs.length];
            for (int i = 0; i < pairs.length; i++) {
                items[i] = ((Keyed<E>) pairs[i]).item;
            }
        }

        @Override
        @SuppressWarnings("unchecked")
        public E get(int index) {
            return (E) items[index];
        }

        @Override
        @SuppressWarnings("unchecked")
        public E set(int index, E element) {
            E previous = (E) items[index];
            items[index] = element;
            return previous;
        }

        @Override
        public int size() {
            return items.length;
        }
    }
}
