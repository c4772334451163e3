package io.tidefall.spring.autoconfigure;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import io.tidefall.BatchProcessor;

/** A processor that records what it receives and on which threads. */
class Recorder<E> implements BatchProcessor<E> {

    final List<E> elements = new CopyOnWriteArrayList<>();
    final List<Integer> batchSizes = new CopyOnWriteArrayList<>();
    final Set<String> threads = ConcurrentHashMap.newKeySet();

    @Override
    public void process(List<E> batch) {
        record(batch);
    }

    void record(List<? extends E> batch) {
        this.threads.add(Thread.currentThread().getName());
        this.batchSizes.add(batch.size());
        this.elements.addAll(new ArrayList<>(batch));
    }
}
