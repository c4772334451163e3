package io.tidefall;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The write table of a {@link TidefallQueue}: a multi-producer linked list that seals itself, so
 * no guard is needed around its writes.
 *
 * <pre>
 * head (dummy, seq 0) -> n1 (seq 1) -> n2 (seq 2) -> ... -> tail
 * </pre>
 *
 * <p>Writers append by compare-and-set on {@code tail}, then link the old tail to the new node.
 * Sealing swaps {@code tail} for the {@link #SEALED} sentinel; a writer whose CAS loses to it sees
 * the sentinel and retries on the partition's fresh table. So every node either entered the chain
 * before the seal (and is drained) or never entered it (and is retried elsewhere): nothing is lost
 * or delivered twice.
 *
 * <p>Shared fields and who writes them:
 * <ul>
 *   <li>{@code tail}: every writer (CAS) and the sealer (getAndSet). Each successful CAS
 *       publishes the node it installs, with its item and sequence number.
 *   <li>{@code Node.next}: written once, with release semantics, by the writer that appended the
 *       following node, just after its CAS. Between the two steps the chain has a gap; the
 *       drainer, which alone reads {@code next} of sealed nodes, waits for the link (nanoseconds,
 *       or a time slice if that writer was descheduled).
 *   <li>{@code Node.seq}: written before the CAS that publishes the node, never after; makes
 *       {@link #size()} a single read of {@code tail}.
 * </ul>
 * The write path allocates only the node and costs one CAS, like {@code ConcurrentLinkedQueue}.
 */
final class QueueTable<T> implements WriteTable<T> {

    private static final VarHandle TAIL;
    private static final VarHandle NEXT;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            TAIL = lookup.findVarHandle(QueueTable.class, "tail", Node.class);
            NEXT = lookup.findVarHandle(Node.class, "next", Node.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Installed as the tail by {@link #seal()}; never linked into any chain. */
    private static final Node SEALED = new Node(null);

    private final Node head = new Node(null);
    private final Comparator<? super T> ordering;

    @SuppressWarnings("unused") // accessed through TAIL
    private volatile Node tail = head;

    /** The last node appended before the seal; written and read by the draining thread only. */
    private Node last;

    QueueTable(Comparator<? super T> ordering) {
        this.ordering = ordering;
    }

    /**
     * Appends {@code item} unless the table is sealed or already holds {@code capacity} items.
     *
     * @return {@link #WRITTEN}, {@link #SEALED} or {@link #FULL}
     */
    int append(T item, long capacity) {
        Node node = null;
        for (;;) {
            Node t = (Node) TAIL.getAcquire(this);
            if (t == SEALED) {
                return WriteTable.SEALED;
            }
            if (t.seq >= capacity) { // exact: the sequence numbers count the chain
                return FULL;
            }
            if (node == null) {
                node = new Node(item);
            }
            node.seq = t.seq + 1;
            if (TAIL.compareAndSet(this, t, node)) {
                NEXT.setRelease(t, node);
                return WRITTEN;
            }
        }
    }

    @Override
    public long size() {
        Node t = (Node) TAIL.getAcquire(this);
        return t == SEALED ? 0 : t.seq;
    }

    @Override
    public void seal() {
        last = (Node) TAIL.getAndSet(this, SEALED);
    }

    @Override
    @SuppressWarnings("unchecked")
    public List<T> drain() {
        List<T> elements = new ArrayList<>((int) last.seq);
        for (Node node = head; node != last; ) {
            Node next;
            int spins = 0;
            while ((next = (Node) NEXT.getAcquire(node)) == null) {
                spins = Spin.pause(spins); // the writer of `next` is between its CAS and its link
            }
            elements.add((T) next.item);
            node = next;
        }
        if (ordering != null) {
            elements.sort(ordering); // stable: ties keep insertion order
        }
        return elements;
    }

    private static final class Node {
        final Object item;
        long seq;
        @SuppressWarnings("unused") // accessed through NEXT
        volatile Node next;

        Node(Object item) {
            this.item = item;
        }
    }
}
