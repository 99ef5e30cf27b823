import Foundation
import Latent

/// A lesson's closing summary: results apart from settings and timing, each group a small
/// aligned table, numbers with 4 significant digits.
///
/// ```text
/// Results
///   auroc       0.9871
///   accuracy    0.944
/// Settings
///   threshold   0.03412
///   train_rows  2335
/// Time
///   wall_seconds  0.8
/// ```
enum LessonSummary {
    /// Metrics that measure the model (everything not a setting or a time).
    static let settingKeys: Set<String> = ["data", "threshold", "train_rows", "test_rows", "epochs"]
    static let timeKeys: Set<String> = ["wall_seconds", "samples_per_second"]
    static let hidden: Set<String> = ["lesson", "quick", "seed"]

    static func table(_ metrics: [String: JSONValue]) -> String {
        let keys = metrics.keys.sorted().filter { !hidden.contains($0) }
        let groups = [
            ("Results", keys.filter { !settingKeys.contains($0) && !timeKeys.contains($0) }),
            ("Settings", keys.filter(settingKeys.contains)),
            ("Time", keys.filter(timeKeys.contains)),
        ]
        var lines: [String] = []
        for (title, group) in groups where !group.isEmpty {
            lines.append(title)
            let width = group.map(\.count).max() ?? 0
            for key in group {
                lines.append(
                    "  " + key.padding(toLength: width + 2, withPad: " ", startingAt: 0) + describe(metrics[key]!))
            }
        }
        return lines.joined(separator: "\n")
    }
}

/// A metric's value: whole numbers as integers, others with 4 significant digits.
func describe(_ value: JSONValue) -> String {
    switch value {
    case .number(let n): return n == n.rounded() && abs(n) < 1e9 ? String(Int(n)) : String(format: "%#.4g", n)
    case .string(let s): return s
    case .bool(let b): return String(b)
    case .null: return "null"
    case .object(let o): return "{" + o.keys.sorted().map { "\($0): \(describe(o[$0]!))" }.joined(separator: ", ") + "}"
    case .array(let a): return "[" + a.map(describe).joined(separator: ", ") + "]"
    }
}
