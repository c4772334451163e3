/** What a durable buffer's journal needs from Spring: element codecs on the application's Jackson mapper. */
@NullMarked
package io.tidefall.spring.journal;

import org.jspecify.annotations.NullMarked;
