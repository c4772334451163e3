package io.tidefall.spring;

import java.util.Collection;
import java.util.Locale;

import org.jspecify.annotations.Nullable;

/**
 * The valid name a misspelt one was most likely meant to be, for messages that say "did you mean
 * ...?": {@code procesing-interval} for {@code processing-interval}, {@code evnets} for
 * {@code events}.
 */
public final class NameSuggestions {

    private NameSuggestions() {
    }

    /**
     * The candidate closest to {@code wrong}, ignoring case, dashes and underscores, when it is
     * close enough to be a slip: at most one edit (a letter added, left out, changed, or two letters
     * swapped) per three letters, and at least one. {@code null} when none is, or when {@code wrong}
     * is itself a candidate.
     */
    public static @Nullable String closest(String wrong, Collection<String> candidates) {
        String typed = canonical(wrong);
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : candidates) {
            int distance = distance(typed, canonical(candidate));
            if (distance < bestDistance) {
                best = candidate;
                bestDistance = distance;
            }
        }
        if (best == null || bestDistance == 0 || bestDistance > Math.max(1, typed.length() / 3)) {
            return null;
        }
        return best;
    }

    private static String canonical(String name) {
        return name.replace("-", "").replace("_", "").toLowerCase(Locale.ROOT);
    }

    /** Edits from {@code a} to {@code b}: insertions, deletions, substitutions and swaps of neighbours. */
    static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}
