package pm.it;

import org.junit.jupiter.api.Test;

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
            // Running it again is harmless: nothing is registered twice.
            var again = pm.run("demo");
            assertThat(again.code()).as(again.toString()).isZero();
            assertThat(again.out()).doesNotContain("registered");
        }
    }
}
