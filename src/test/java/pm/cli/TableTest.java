package pm.cli;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** A table fits the width it is given: columns go and long texts are cut in the order its steps say. */
class TableTest {
    static Table table() {
        var t = new Table(List.of("ID", "NAME", "STATE", "PORT", "SCRIPT"));
        t.add(List.of(Table.Cell.of(1), Table.Cell.of("a-rather-long-application-name"), Table.Cell.of("running"),
                Table.Cell.of(8080), Table.Cell.of("/srv/apps/billing/worker.py")));
        t.add(List.of(Table.Cell.of(2), Table.Cell.of("web"), Table.Cell.of("stopped"), Table.Cell.of(null), Table.Cell.of("/srv/web.js")));
        return t.fitting(Table.Fit.drop("PORT"), Table.Fit.shortenPath("SCRIPT", 12), Table.Fit.shorten("NAME", 10),
                Table.Fit.drop("STATE"));
    }

    static int widest(String text) {
        return text.lines().mapToInt(String::length).max().orElse(0);
    }

    @Test
    void withoutALimitOrWithRoomEveryColumnIsWhole() {
        String whole = table().render(false);
        assertThat(whole.lines().findFirst().orElseThrow()).isEqualTo("ID  NAME                            STATE    PORT  SCRIPT");
        assertThat(whole).contains("/srv/apps/billing/worker.py").contains("a-rather-long-application-name");
        assertThat(table().render(false, 200)).isEqualTo(whole);
        assertThat(table().render(false, widest(whole))).isEqualTo(whole);
    }

    @Test
    void columnsGoAndTextsAreCutInTheOrderOfTheSteps() {
        String text = table().render(false, 72);
        assertThat(text).doesNotContain("PORT").contains("/srv/apps/billing/worker.py").contains("a-rather-long-application-name");
        text = table().render(false, 60);
        assertThat(text).contains(" " + Table.ELLIPSIS + "ling/worker.py\n").contains("a-rather-long-application-name");
        text = table().render(false, 50);
        assertThat(text).contains(" " + Table.ELLIPSIS + "g/worker.py\n").contains(" a-rather-long-applicat" + Table.ELLIPSIS + " ");
        text = table().render(false, 40);
        assertThat(text).contains(" a-rather-lon" + Table.ELLIPSIS + " ").contains("STATE");
        text = table().render(false, 30);
        assertThat(text).doesNotContain("STATE").doesNotContain("running");
        for (int width : List.of(72, 60, 50, 40, 30)) assertThat(widest(table().render(false, width))).isLessThanOrEqualTo(width);
    }

    @Test
    void aWidthNarrowerThanWhatIsKeptEndsTheLinesNeverWrapsThem() {
        for (int width : List.of(1, 5, 12, 20)) {
            String text = table().render(false, width);
            assertThat(text.lines()).as("width " + width).hasSize(3).allSatisfy(l -> assertThat(l.length()).isLessThanOrEqualTo(width));
        }
    }

    @Test
    void coloursDoNotCountTowardsTheWidth() {
        var t = new Table(List.of("NAME", "STATE"));
        t.add(List.of(Table.Cell.of("web"), new Table.Cell("running", Table.GREEN)));
        String text = t.render(true, 13);
        assertThat(text).contains("web   \033[32mrunning\033[0m\n");
        assertThat(t.render(true, 12)).contains("web   \033[32mrunni" + Table.ELLIPSIS + "\033[0m\n");
    }

    @Test
    void cutMarksTheEnd() {
        assertThat(Table.cut("abcdef", 10)).isEqualTo("abcdef");
        assertThat(Table.cut("abcdef", 4)).isEqualTo("abc" + Table.ELLIPSIS);
        assertThat(Table.cut("abcdef", 0)).isEmpty();
    }
}
