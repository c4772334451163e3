package io.tidefall.spring.deadletter;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Folder names for buffer names: letters, digits, '-' and '_' stay as they are, every other byte
 * of the name's UTF-8 becomes {@code %XX}, so that no buffer name (such as {@code ..} or
 * {@code a/b}) escapes the store's directory, and two names never share a folder.
 */
public final class BufferFolders {

    private BufferFolders() {
    }

    /** The folder of {@code buffer}. */
    public static String encode(String buffer) {
        StringBuilder folder = new StringBuilder();
        for (byte b : buffer.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_') {
                folder.append(c);
            }
            else {
                folder.append('%').append(String.format("%02X", b & 0xff));
            }
        }
        return folder.toString();
    }

    /** The buffer whose folder is {@code folder}. */
    public static String decode(String folder) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (int i = 0; i < folder.length(); i++) {
            char c = folder.charAt(i);
            if (c == '%' && i + 2 < folder.length()) {
                bytes.write(Integer.parseInt(folder.substring(i + 1, i + 3), 16));
                i += 2;
            }
            else {
                bytes.write(c);
            }
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
