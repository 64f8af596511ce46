package pm.core;

import java.util.Collection;

/** Finds the registered name nearest to a mistyped one, for "did you mean" hints. */
public final class Names {
    private Names() {}

    public static String nearest(String wrong, Collection<String> names) {
        String best = "";
        int bestDistance = Integer.MAX_VALUE;
        for (String n : names) {
            int d = distance(wrong, n);
            if (d < bestDistance) {
                best = n;
                bestDistance = d;
            }
        }
        return bestDistance <= Math.max(2, wrong.length() / 3) ? best : "";
    }

    /**
     * The name one slip away: a letter added, dropped or changed, or two neighbours swapped ({@code --nmae}
     * for {@code --name}); "" when there is none. Stricter than {@link #nearest}: for a word that may be
     * meant for someone else (an app's own flag), where a looser match would be a wrong guess.
     */
    public static String typo(String wrong, Collection<String> names) {
        for (String n : names) if (distance(wrong, n) == 1 || swapped(wrong, n)) return n;
        return "";
    }

    private static boolean swapped(String a, String b) {
        if (a.length() != b.length()) return false;
        int i = 0;
        while (i < a.length() && a.charAt(i) == b.charAt(i)) i++;
        return i + 1 < a.length() && a.charAt(i) == b.charAt(i + 1) && a.charAt(i + 1) == b.charAt(i)
                && a.substring(i + 2).equals(b.substring(i + 2));
    }

    /** Levenshtein distance, two rows. */
    static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) prev[j] = j;
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    /** The name copy {@code i} of an app runs under: NAME for copy 0 (where a single copy's logs are), else NAME:i. */
    public static String ofCopy(String app, int i) {
        return i == 0 ? app : app + ":" + i;
    }

    /** The copy a name such as {@code web:2} points at (2), or -1 when it names no copy. */
    public static int copyNumber(String name) {
        int colon = name.lastIndexOf(':');
        if (colon <= 0 || colon == name.length() - 1 || name.length() - colon > 5) return -1;
        int n = 0;
        for (int i = colon + 1; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c < '0' || c > '9') return -1;
            n = n * 10 + (c - '0');
        }
        return n;
    }

    /** The app a copy's name belongs to: {@code web} for {@code web:2}; a name that names no copy, as is. */
    public static String appOf(String name) {
        return copyNumber(name) < 0 ? name : name.substring(0, name.lastIndexOf(':'));
    }
}
