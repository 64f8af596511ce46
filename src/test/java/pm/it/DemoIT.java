package pm.it;

import org.junit.jupiter.api.Test;
import pm.core.Json;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The README's first command: ./pm demo brings up both sample apps and shows them. */
class DemoIT {
    @Test
    void demoStartsBothSampleAppsAndShowsThem() {
        try (var pm = new Pm()) {
            var r = pm.run("demo");
            assertThat(r.code()).as(r.toString()).isZero();
            assertThat(r.out()).contains("python-app answers at http://127.0.0.1:5000/health")
                    .contains("nodejs-app answers at http://127.0.0.1:3000/health")
                    .containsPattern("python-app +python +running")
                    .containsPattern("nodejs-app +nodejs +running");
            assertThat(QuickStartIT.healthy(5000)).isTrue();
            assertThat(QuickStartIT.healthy(3000)).isTrue();
            // Running it again is harmless: nothing is registered twice, nothing installed again.
            var again = pm.run("demo");
            assertThat(again.code()).as(again.toString()).isZero();
            assertThat(again.out()).doesNotContain("registered").doesNotContain("installing").doesNotContain("creating");

            // The demo registers what the README's quick start registers, virtualenv included, so those
            // commands typed after the demo register the same spec again.
            assertThat(FlaskAppIT.spec(pm, "python-app").get("interpreter")).isEqualTo(FlaskAppIT.PYTHON.toString());
            try (var readme = new Pm()) {
                readme.ok(QuickStartIT.REGISTER_PYTHON.toArray(String[]::new));
                readme.ok(QuickStartIT.REGISTER_NODE.toArray(String[]::new));
                assertThat(specs(readme)).isEqualTo(specs(pm));
            }
        }
    }

    /** Every registered spec, without what running it changes. */
    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> specs(Pm pm) {
        var all = (List<Map<String, Object>>) Json.parseObject(pm.ok("list", "--json")).get("processes");
        return all.stream().map(m -> {
            var spec = new LinkedHashMap<>(m);
            spec.remove("desired");
            return (Map<String, Object>) spec;
        }).toList();
    }
}
