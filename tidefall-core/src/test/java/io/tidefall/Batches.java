package io.tidefall;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A processor that keeps a copy of every batch it receives. */
final class Batches<E> implements BatchProcessor<E> {

    final List<List<E>> received = new CopyOnWriteArrayList<>();

    @Override
    public void process(List<E> batch) {
        received.add(new ArrayList<>(batch));
    }

    List<E> all() {
        return received.stream().flatMap(List::stream).toList();
    }

    List<Integer> sizes() {
        return received.stream().map(List::size).toList();
    }
}
