import CLatentSystem
import Foundation

/// The CPUs this process can actually use, which size the default thread team: the CPUs
/// its affinity mask allows (`taskset`, a container's cpuset) and its cgroup's CPU quota
/// (`cpu.max` in cgroup v2, `cpu.cfs_quota_us` / `cpu.cfs_period_us` in v1; a Kubernetes
/// CPU limit), whichever is smaller. A team larger than that spins threads that wait for
/// a CPU another of its threads holds.
enum AvailableCPUs {
    /// min(affinity CPUs, the cgroup quota rounded up), at least 1.
    static func count(cgroupRoot: String = "/sys/fs/cgroup", procSelfCgroup: String = "/proc/self/cgroup") -> Int {
        let affinity = Swift.max(1, Int(latent_affinity_cpus()))
        let membership = (try? String(contentsOfFile: procSelfCgroup, encoding: .utf8)) ?? ""
        guard let quota = cgroupQuota(membership: membership, root: cgroupRoot) else { return affinity }
        return Swift.max(1, Swift.min(affinity, Int(quota.rounded(.up))))
    }

    /// The tightest CPU quota (in CPUs) on this process's cgroup or any of its ancestors, or
    /// nil when none is set. `membership` is the text of /proc/self/cgroup; `root` is where
    /// the cgroup file systems are mounted.
    static func cgroupQuota(membership: String, root: String) -> Double? {
        var limits: [Double] = []
        for line in membership.split(separator: "\n") {
            // "hierarchy-id:controllers:path"; the path may itself contain ':'.
            let fields = line.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
            guard fields.count == 3 else { continue }
            let controllers = fields[1].split(separator: ",")
            let path = String(fields[2])
            if fields[0] == "0" && controllers.isEmpty {  // cgroup v2 (unified)
                let base = FileManager.default.fileExists(atPath: root + "/unified") ? root + "/unified" : root
                for dir in ancestors(of: path, under: base) {
                    if let text = try? String(contentsOfFile: dir + "/cpu.max", encoding: .utf8),
                        let q = parseCPUMax(text)
                    {
                        limits.append(q)
                    }
                }
            } else if controllers.contains("cpu") {  // cgroup v1
                let mount = ["cpu,cpuacct", "cpuacct,cpu", "cpu"].map { root + "/" + $0 }
                    .first { FileManager.default.fileExists(atPath: $0) }
                guard let mount else { continue }
                for dir in ancestors(of: path, under: mount) {
                    if let quota = try? String(contentsOfFile: dir + "/cpu.cfs_quota_us", encoding: .utf8),
                        let period = try? String(contentsOfFile: dir + "/cpu.cfs_period_us", encoding: .utf8),
                        let q = parseV1(quota: quota, period: period)
                    {
                        limits.append(q)
                    }
                }
            }
        }
        return limits.min()
    }

    /// `path` and each parent up to `base` itself, as directories under `base`: a limit
    /// set on a parent applies to its children. (Inside a cgroup namespace the path is "/".)
    static func ancestors(of path: String, under base: String) -> [String] {
        var parts = path.split(separator: "/").map(String.init)
        var dirs: [String] = []
        while true {
            dirs.append(([base] + parts).joined(separator: "/"))
            if parts.isEmpty { break }
            parts.removeLast()
        }
        return dirs
    }

    /// cgroup v2 `cpu.max`: "QUOTA PERIOD" in µs, or "max PERIOD" for no limit.
    static func parseCPUMax(_ text: String) -> Double? {
        let fields = text.split(whereSeparator: \.isWhitespace)
        guard fields.count >= 1, fields[0] != "max", let quota = Double(fields[0]), quota > 0 else { return nil }
        let period = fields.count >= 2 ? Double(fields[1]) ?? 100_000 : 100_000
        return period > 0 ? quota / period : nil
    }

    /// cgroup v1: `cpu.cfs_quota_us` (−1 for no limit) over `cpu.cfs_period_us`.
    static func parseV1(quota: String, period: String) -> Double? {
        guard let q = Double(quota.trimmingCharacters(in: .whitespacesAndNewlines)), q > 0,
            let p = Double(period.trimmingCharacters(in: .whitespacesAndNewlines)), p > 0
        else { return nil }
        return q / p
    }
}
