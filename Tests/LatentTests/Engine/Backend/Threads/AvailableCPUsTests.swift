import CLatentSystem
import XCTest

@testable import Latent

/// The default thread team is sized from the CPUs a process can actually use: cgroup
/// quota files (v2 and v1, on the process's cgroup or an ancestor) and the affinity mask,
/// parsed here from fixture trees.
final class AvailableCPUsTests: XCTestCase {
    var root: URL!

    override func setUpWithError() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("cgroup-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: root) }

    func write(_ text: String, _ path: String) throws {
        let url = root.appendingPathComponent(path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try text.write(to: url, atomically: true, encoding: .utf8)
    }

    func testCPUMaxAndV1QuotaParsing() {
        XCTAssertEqual(AvailableCPUs.parseCPUMax("150000 100000\n"), 1.5)
        XCTAssertEqual(AvailableCPUs.parseCPUMax("50000 100000"), 0.5)
        XCTAssertNil(AvailableCPUs.parseCPUMax("max 100000\n"))
        XCTAssertNil(AvailableCPUs.parseCPUMax(""))
        XCTAssertNil(AvailableCPUs.parseCPUMax("garbage"))
        XCTAssertNil(AvailableCPUs.parseCPUMax("100000 0"))
        XCTAssertEqual(AvailableCPUs.parseV1(quota: "200000\n", period: "100000\n"), 2)
        XCTAssertNil(AvailableCPUs.parseV1(quota: "-1\n", period: "100000\n"))
        XCTAssertNil(AvailableCPUs.parseV1(quota: "x", period: "100000"))
    }

    func testV2QuotaIsTheTightestOnTheCgroupOrAnAncestor() throws {
        try write("max 100000\n", "kubepods/cpu.max")
        try write("250000 100000\n", "kubepods/pod1/cpu.max")
        try write("max 100000\n", "kubepods/pod1/c1/cpu.max")
        let membership = "0::/kubepods/pod1/c1\n"
        XCTAssertEqual(AvailableCPUs.cgroupQuota(membership: membership, root: root.path), 2.5)
        // The whole count: the quota rounded up, never above the affinity mask.
        let affinity = Int(latent_affinity_cpus())
        let procSelf = root.appendingPathComponent("self-cgroup").path
        try membership.write(toFile: procSelf, atomically: true, encoding: .utf8)
        XCTAssertEqual(AvailableCPUs.count(cgroupRoot: root.path, procSelfCgroup: procSelf), Swift.min(affinity, 3))
        try write("50000 100000\n", "kubepods/cpu.max")
        XCTAssertEqual(AvailableCPUs.count(cgroupRoot: root.path, procSelfCgroup: procSelf), 1)
    }

    func testV1QuotaAndNoLimit() throws {
        try write("150000\n", "cpu,cpuacct/docker/abc/cpu.cfs_quota_us")
        try write("100000\n", "cpu,cpuacct/docker/abc/cpu.cfs_period_us")
        try write("-1\n", "cpu,cpuacct/cpu.cfs_quota_us")
        try write("100000\n", "cpu,cpuacct/cpu.cfs_period_us")
        let membership = "4:memory:/docker/abc\n3:cpu,cpuacct:/docker/abc\n0::/\n"
        XCTAssertEqual(AvailableCPUs.cgroupQuota(membership: membership, root: root.path), 1.5)
        XCTAssertNil(AvailableCPUs.cgroupQuota(membership: "3:cpu,cpuacct:/\n", root: root.path))
        XCTAssertNil(AvailableCPUs.cgroupQuota(membership: "", root: root.path))
        XCTAssertNil(AvailableCPUs.cgroupQuota(membership: "not a cgroup line\n", root: root.path))
        // Missing files: no limit, the affinity mask decides.
        XCTAssertEqual(
            AvailableCPUs.count(cgroupRoot: root.path + "/none", procSelfCgroup: root.path + "/none"),
            Int(latent_affinity_cpus()))
    }

    func testAffinityCountsTheCPUsThisProcessMayUse() {
        let n = Int(latent_affinity_cpus())
        XCTAssertGreaterThanOrEqual(n, 1)
        XCTAssertLessThanOrEqual(n, ProcessInfo.processInfo.processorCount)
        XCTAssertLessThanOrEqual(Engine.availableCPUs, n)
    }

    func testLatentThreadsOverridesAndBadValuesFallBack() {
        XCTAssertEqual(Engine.defaultThreadCount(environment: "3", available: 2), 3)
        XCTAssertEqual(Engine.defaultThreadCount(environment: " 1 ", available: 2), 1)
        XCTAssertEqual(Engine.defaultThreadCount(environment: nil, available: 2), 2)
        XCTAssertEqual(Engine.defaultThreadCount(environment: nil, available: 1), 1)
        XCTAssertEqual(Engine.defaultThreadCount(environment: nil, available: 64), Engine.defaultThreadCap)
        XCTAssertEqual(Engine.defaultThreadCount(environment: "0", available: 2), 2)
        XCTAssertEqual(Engine.defaultThreadCount(environment: "two", available: 2), 2)
    }
}
