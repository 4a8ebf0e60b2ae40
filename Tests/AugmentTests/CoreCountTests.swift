import Testing
@testable import Augment

/// `CoreCount`: the cgroup v2 quota of `cpu.max`, parsed from text.
@Suite("CoreCount")
struct CoreCountTests {
    @Test("cpu.max: a quota is QUOTA / PERIOD CPUs rounded up, at least 1", arguments: [
        ("150000 100000", 2),
        ("150000 100000\n", 2),
        ("50000 100000", 1),
        ("1 100000", 1),
        ("200000 100000", 2),
        ("200001 100000", 3),
        ("400000 50000", 8),
    ])
    func quota(text: String, cpus: Int) {
        #expect(CoreCount.cpus(cpuMax: text) == cpus)
    }

    @Test("cpu.max: \"max\" and anything malformed mean no quota", arguments: [
        "max 100000", "max 100000\n", "max", "", "\n", "150000", "150000 100000 7", "0 100000",
        "150000 0", "-1 100000", "150000 -100000", "1.5 1", "abc 100000", "150000 abc",
        "99999999999999999999999 100000",
    ])
    func noQuota(text: String) {
        #expect(CoreCount.cpus(cpuMax: text) == nil)
    }

    @Test("available is at least 1")
    func available() {
        #expect(CoreCount.available >= 1)
    }
}
