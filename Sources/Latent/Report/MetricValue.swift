import Foundation

/// A value in a report's metrics table, formatted for reading rather than round-tripping.
///
/// | value | shown as |
/// |---|---|
/// | `.number(0.934567)` | `0.9346` (4 significant digits, trailing zeros trimmed) |
/// | `.number(123456.7)` | `123,457` (thousands grouped from 10,000) |
/// | `.number(0.0000123)` | `1.23e-5` (exponent form below 0.001 and from 10⁶) |
/// | `.integer(60000)` | `60,000` |
/// | `.percent(0.953)` | `95.3%` (a fraction, shown ×100 with one decimal) |
/// | `.text("dense")` | `dense` |
///
/// Literals work directly: `["AUC": 0.93, "samples": 10000, "model": "dense"]`.
public enum MetricValue: Sendable, Equatable, ExpressibleByFloatLiteral,
    ExpressibleByIntegerLiteral,
    ExpressibleByStringLiteral
{
    case number(Double)
    case integer(Int)
    case percent(Double)
    case text(String)

    /// A `.number` from a float literal.
    public init(floatLiteral value: Double) { self = .number(value) }
    /// An `.integer` from an integer literal.
    public init(integerLiteral value: Int) { self = .integer(value) }
    /// A `.text` from a string literal.
    public init(stringLiteral value: String) { self = .text(value) }

    /// The display text.
    public var formatted: String {
        switch self {
        case .number(let v): MetricValue.format(v)
        case .integer(let v): MetricValue.grouped(String(v.magnitude), negative: v < 0)
        case .percent(let v): v.isFinite ? String(format: "%.1f%%", v * 100) : MetricValue.format(v)
        case .text(let s): s
        }
    }

    static func format(_ v: Double) -> String {
        if v.isNaN { return "NaN" }
        if v.isInfinite { return v > 0 ? "∞" : "−∞" }
        if v == 0 { return "0" }
        var e = Int(floor(log10(abs(v))))
        if abs(v) >= 0.0009995 && abs(v) < 1e6 {
            // 4 significant digits; rounding may carry into the next decade (9.9996 → 10.00).
            if abs(v) >= 9.9995 * pow(10, Double(e)) { e += 1 }
            var s = String(format: "%.\(max(0, 3 - e))f", abs(v))
            if s.contains(".") {
                while s.hasSuffix("0") { s.removeLast() }
                if s.hasSuffix(".") { s.removeLast() }
            }
            let parts = s.split(separator: ".", maxSplits: 1)
            let whole = grouped(String(parts[0]), negative: v < 0)
            return parts.count == 2 ? "\(whole).\(parts[1])" : whole
        }
        var mantissa = v / pow(10, Double(e))
        if abs(mantissa) >= 9.995 {
            mantissa /= 10
            e += 1
        }
        var m = String(format: "%.2f", abs(mantissa))
        while m.hasSuffix("0") { m.removeLast() }
        if m.hasSuffix(".") { m.removeLast() }
        return (v < 0 ? "−" : "") + "\(m)e\(e)"
    }

    /// Groups digits in threes with commas from five digits on (`12,345`, but `1234`).
    static func grouped(_ digits: String, negative: Bool) -> String {
        var out = digits
        if digits.count > 4 {
            out = ""
            for (i, ch) in digits.enumerated() {
                if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
                out.append(ch)
            }
        }
        return negative ? "−" + out : out
    }
}
