package pm.daemon.controller;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CgroupSubtreeTest {
    private static final String HYBRID_V1 = "32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu";
    private static final String HYBRID_TMPFS = "31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755";
    private static final String HYBRID_V2 = "41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw";
    private static final String PURE_V2 = "35 24 0:30 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:9 - cgroup2 cgroup2 rw,nsdelegate";

    @Test
    void aHybridMountsUnifiedHierarchyIsFound() {
        assertThat(CgroupSubtree.v2Mount(List.of(HYBRID_TMPFS, HYBRID_V1, HYBRID_V2))).isEqualTo(Path.of("/sys/fs/cgroup/unified"));
    }

    @Test
    void sysFsCgroupIsPreferredWhenItIsTheV2Hierarchy() {
        // Optional fields ("shared:9") come before the dash.
        String elsewhere = "50 24 0:40 / /mnt/cg rw - cgroup2 cgroup2 rw";
        assertThat(CgroupSubtree.v2Mount(List.of(elsewhere, PURE_V2))).isEqualTo(Path.of("/sys/fs/cgroup"));
    }

    @Test
    void noV2HierarchySaysSo() {
        assertThatThrownBy(() -> CgroupSubtree.v2Mount(List.of(HYBRID_TMPFS, HYBRID_V1)))
                .hasMessage("no cgroup v2 hierarchy is mounted");
        // A mount of a sub-cgroup would need its path mapped: not used.
        assertThatThrownBy(() -> CgroupSubtree.v2Mount(List.of("41 31 0:38 /sub /sys/fs/cgroup rw - cgroup2 cgroup2 rw")))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void theDaemonsOwnCgroupIsItsV2Line() {
        assertThat(CgroupSubtree.ownCgroup(List.of("4:memory:/x", "0::/user.slice/session-3.scope"))).isEqualTo("/user.slice/session-3.scope");
        assertThat(CgroupSubtree.ownCgroup(List.of("1:cpu:/", "0::/"))).isEqualTo("/");
        assertThatThrownBy(() -> CgroupSubtree.ownCgroup(List.of("1:cpu:/"))).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void eachHomeHasASubtreeOfItsOwnAndAlwaysTheSame() {
        String a = CgroupSubtree.name(Path.of("/home/me/.pm"));
        assertThat(a).startsWith("pm-").isEqualTo(CgroupSubtree.name(Path.of("/home/me/.pm")));
        assertThat(CgroupSubtree.name(Path.of("/home/you/.pm"))).isNotEqualTo(a);
    }
}
