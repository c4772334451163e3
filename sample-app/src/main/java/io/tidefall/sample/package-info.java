/**
 * A sample ingestion service: page views through a Tidefall queue and presence heartbeats through a
 * Tidefall hash map, stored in a database in batches; with {@code sample.ingestion=direct}, the same
 * HTTP API writing to the database on each request, for the end-to-end benchmark.
 */
@NullMarked
package io.tidefall.sample;

import org.jspecify.annotations.NullMarked;
