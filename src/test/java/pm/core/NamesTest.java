package pm.core;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class NamesTest {

    private static final List<String> APPS = List.of("python-app", "node-app", "worker");

    @Test
    void suggestsTheNearestNameForATypo() {
        assertThat(Names.nearest("pyhton-app", APPS)).isEqualTo("python-app");
        assertThat(Names.nearest("node-ap", APPS)).isEqualTo("node-app");
        assertThat(Names.nearest("wroker", APPS)).isEqualTo("worker");
    }

    @Test
    void anExactMatchIsItsOwnNearest() {
        assertThat(Names.nearest("worker", APPS)).isEqualTo("worker");
    }

    @Test
    void suggestsNothingWhenEverythingIsFar() {
        assertThat(Names.nearest("database", APPS)).isEmpty();
        assertThat(Names.nearest("zzzzzzzzzzzzzzzzzzzz", APPS)).isEmpty();
        assertThat(Names.nearest("x", List.of())).isEmpty();
    }

    @Test
    void aTypoIsOneSlipAwayAndASwapCountsAsOne() {
        var flags = List.of("name", "port", "env");
        assertThat(Names.typo("nmae", flags)).isEqualTo("name");
        assertThat(Names.typo("prot", flags)).isEqualTo("port");
        assertThat(Names.typo("envs", flags)).isEqualTo("env");
        assertThat(Names.typo("pot", flags)).isEqualTo("port");
        assertThat(Names.typo("save", flags)).as("two edits from name").isEmpty();
        assertThat(Names.typo("name", List.of())).isEmpty();
    }

    @Test
    void levenshteinDistance() {
        assertThat(Names.distance("", "")).isZero();
        assertThat(Names.distance("abc", "")).isEqualTo(3);
        assertThat(Names.distance("", "abc")).isEqualTo(3);
        assertThat(Names.distance("kitten", "sitting")).isEqualTo(3);
        assertThat(Names.distance("pyhton", "python")).isEqualTo(2);
    }
}
