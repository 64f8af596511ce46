package pm.core;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JsonTest {

    @Test
    void nestedDocumentRoundTripsKeepingKeyOrder() {
        var doc = new LinkedHashMap<String, Object>();
        doc.put("z", 1L);
        doc.put("a", List.of("x", true, false));
        doc.put("n", null);
        doc.put("obj", Map.of("pi", 3.5));
        String text = Json.write(doc);
        assertThat(text).isEqualTo("{\"z\":1,\"a\":[\"x\",true,false],\"n\":null,\"obj\":{\"pi\":3.5}}");
        var back = Json.parseObject(text);
        assertThat(back).isEqualTo(doc);
        assertThat(back.keySet()).containsExactly("z", "a", "n", "obj");
    }

    @Test
    void writesEscapesForQuotesBackslashesAndControlCharacters() {
        assertThat(Json.write("a\"b\\c\nd\re\tf\u0001g")).isEqualTo("\"a\\\"b\\\\c\\nd\\re\\tf\\u0001g\"");
        assertThat(Json.write("\u001b[31mred\u001b[0m\u001f")).isEqualTo("\"\\u001b[31mred\\u001b[0m\\u001f\"");
    }

    @Test
    void stringsWithSpecialCharactersRoundTrip() {
        String s = "line1\nline2\t\"q\" \\ é ü 日本 \u0000 \u001f \u007f 😀";
        assertThat(Json.parse(Json.write(s))).isEqualTo(s);
    }

    @Test
    void readsAllStandardEscapes() {
        assertThat(Json.parse("\"\\n\\r\\t\\b\\f\\/\\\\\\\"\\u00e9\\u00E9\"")).isEqualTo("\n\r\t\b\f/\\\"éé");
    }

    @Test
    void integersAreLongsAndFractionsAreDoubles() {
        assertThat(Json.parse("42")).isEqualTo(42L);
        assertThat(Json.parse("-7")).isEqualTo(-7L);
        assertThat(Json.parse("9223372036854775807")).isEqualTo(Long.MAX_VALUE);
        assertThat(Json.parse("1.5")).isEqualTo(1.5d);
        assertThat(Json.parse("-2.5e3")).isEqualTo(-2500d);
        assertThat(Json.parse("1E2")).isEqualTo(100d);
    }

    @Test
    void wholeNumbersOfEveryLengthReadAsBefore() {
        for (String digits : List.of("0", "1", "12", "123456789012345678", "1234567890123456789", "9223372036854775807")) {
            assertThat(Json.parse(digits)).isEqualTo(Long.parseLong(digits));
            assertThat(Json.parse("-" + digits)).isEqualTo(Long.parseLong("-" + digits));
            assertThat(Json.parse("[" + digits + ",-" + digits + "]")).isEqualTo(List.of(Long.parseLong(digits), Long.parseLong("-" + digits)));
        }
        assertThat(Json.parse("-9223372036854775808")).isEqualTo(Long.MIN_VALUE);
        assertThat(Json.parse("92233720368547758070")).isEqualTo(9.223372036854775807E19);
        assertThat(Json.parse("{\"a\":12,\"b\":3.25}")).isEqualTo(Map.of("a", 12L, "b", 3.25d));
    }

    @Test
    void writesNumbersAndMapsNonFiniteDoublesToNull() {
        assertThat(Json.write(List.of(1, 2L, 1.25d, Double.NaN, Double.POSITIVE_INFINITY)))
                .isEqualTo("[1,2,1.25,null,null]");
    }

    @Test
    void whitespaceAroundTokensIsAllowed() {
        assertThat(Json.parse(" \n\t{ \"a\" : [ 1 , 2 ] } \r\n")).isEqualTo(Map.of("a", List.of(1L, 2L)));
        assertThat(Json.parse("{}")).isEqualTo(Map.of());
        assertThat(Json.parse("[ ]")).isEqualTo(List.of());
    }

    @Test
    void nestingUpToTheLimitIsAccepted() {
        String deep = "[".repeat(65) + "]".repeat(65);
        assertThat(Json.parse(deep)).isInstanceOf(List.class);
    }

    @Test
    void nestingBeyondTheLimitIsRejectedWithoutStackOverflow() {
        assertThatThrownBy(() -> Json.parse("[".repeat(66) + "]".repeat(66)))
                .isInstanceOf(Json.ParseException.class).hasMessageContaining("nesting too deep");
        assertThatThrownBy(() -> Json.parse("[".repeat(100_000)))
                .isInstanceOf(Json.ParseException.class).hasMessageContaining("nesting too deep");
        assertThatThrownBy(() -> Json.parse("{\"a\":".repeat(1000)))
                .isInstanceOf(Json.ParseException.class).hasMessageContaining("nesting too deep");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "", "   ", "{", "[", "[1", "[1,", "{\"a\"", "{\"a\":", "{\"a\":1", "\"abc", "\"\\", "\"\\u12", "tru", "nul",
        "{} x", "[1] ]", "1 2", "truex", "\"a\"\"b\"",
        "[1,]", "{\"a\":1,}", "{a:1}", "{\"a\" 1}", "[1 2]", "{'a':1}",
        "\"\\x\"", "\"\\u12g4\"", "\"a\nb\"", "\"tab\there\"",
        "-", "1.2.3", "1e", "--1", "+1", ".5", "NaN", "Infinity",
    })
    void malformedInputThrowsParseException(String text) {
        assertThatThrownBy(() -> Json.parse(text)).isInstanceOf(Json.ParseException.class)
                .hasMessageContaining("at offset");
    }

    @Test
    void parseObjectRejectsOtherValues() {
        assertThatThrownBy(() -> Json.parseObject("[1]")).isInstanceOf(Json.ParseException.class)
                .hasMessageContaining("expected a JSON object");
        assertThatThrownBy(() -> Json.parseObject("null")).isInstanceOf(Json.ParseException.class);
    }

    @Test
    void errorMessageGivesTheOffset() {
        assertThatThrownBy(() -> Json.parse("[1, x]")).hasMessage("unexpected character 'x' at offset 4");
        assertThatThrownBy(() -> Json.parse("{} x")).hasMessage("trailing characters at offset 3");
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"\\u+041\"", "\"\\u-041\""})
    void unicodeEscapeWithASignIsRejected(String text) {
        assertThatThrownBy(() -> Json.parse(text)).isInstanceOf(Json.ParseException.class);
    }

    @Test
    void listsOfArbitraryIterablesAreWritten() {
        assertThat(Json.write(Arrays.asList("a", null))).isEqualTo("[\"a\",null]");
    }
}
