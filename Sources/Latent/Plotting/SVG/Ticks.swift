import Foundation

/// Tick positions and labels a reader can do arithmetic with: steps of 1, 2 or 5 times a
/// power of ten (Heckbert, "Nice numbers for graph labels", Graphics Gems, 1990).
///
/// ```
/// raw = span / targetCount,  base = 10^⌊log₁₀ raw⌋,  f = raw / base
/// step = base × (1 if f < 1.5, 2 if f < 3, 5 if f < 7, else 10)
/// ticks = { k · step : k integer, lower ≤ k · step ≤ upper }
/// ```
///
/// ```swift
/// Ticks.linear(in: 0.013...0.92)          // [0.2, 0.4, 0.6, 0.8]
/// Ticks.linear(in: 1...4, targetCount: 8, minimumStep: 1)   // [1, 2, 3, 4]
/// Ticks.label(0.4, step: 0.2)            // "0.4"
/// Ticks.logarithmic(in: 0.0004...2)      // [0.001, 0.01, 0.1, 1]
/// ```
public enum Ticks {
    /// The nice step (1, 2 or 5 × 10ᵏ) that divides `span` into about `targetCount` parts.
    public static func niceStep(span: Double, targetCount: Int) -> Double {
        let (mantissa, exponent) = niceStepParts(span: span, targetCount: targetCount)
        return value(mantissa, exponent)
    }

    /// The nice step as (1, 2 or 5; power of ten).
    static func niceStepParts(span: Double, targetCount: Int) -> (Double, Int) {
        guard span.isFinite, span > 0 else { return (1, 0) }
        let raw = span / Double(max(targetCount, 1))
        var exponent = Int(floor(log10(raw)))
        let f = raw / pow(10, Double(exponent))
        let nice: Double = f < 1.5 ? 1 : f < 3 ? 2 : f < 7 ? 5 : 10
        if nice == 10 { exponent += 1 }
        return (nice == 10 ? 1 : nice, exponent)
    }

    /// m × 10ᵉ, dividing by an exact power of ten for negative e so that 3 × 0.2 comes out
    /// as the double nearest 0.6, not 0.6000000000000001.
    private static func value(_ m: Double, _ e: Int) -> Double {
        e >= 0 ? m * pow(10, Double(e)) : m / pow(10, Double(-e))
    }

    /// Ticks at multiples of the nice step inside `range` (ends included). If that leaves
    /// fewer than two ticks, the next smaller nice step is used.
    /// - Parameter minimumStep: a floor for the step, e.g. 1 for an axis of epochs.
    public static func linear(
        in range: ClosedRange<Double>, targetCount: Int = 6, minimumStep: Double? = nil
    ) -> [Double] {
        var (m, e) = niceStepParts(
            span: range.upperBound - range.lowerBound, targetCount: targetCount)
        if let minimumStep, value(m, e) < minimumStep {
            (m, e) = niceStepParts(span: minimumStep * 1.0001, targetCount: 1)
            if value(m, e) < minimumStep { (m, e) = m == 1 ? (2, e) : m == 2 ? (5, e) : (1, e + 1) }
        }
        var ticks = [Double]()
        for _ in 0..<4 {
            let step = value(m, e)
            let first = (range.lowerBound / step - 1e-9).rounded(.up)
            let last = (range.upperBound / step + 1e-9).rounded(.down)
            guard first.magnitude < 1e15, last.magnitude < 1e15 else { return [] }
            ticks =
                first <= last
                ? stride(from: first, through: last, by: 1).map { k in
                    let v = e >= 0 ? k * m * pow(10, Double(e)) : k * m / pow(10, Double(-e))
                    return v == 0 ? 0 : v  // no "-0"
                } : []
            if ticks.count >= 2 || minimumStep.map({ value(m, e) <= $0 }) == true { break }
            (m, e) = m == 5 ? (2, e) : m == 2 ? (1, e) : (5, e - 1)
        }
        return ticks
    }

    /// Ticks for a log axis over `range` (positive values): powers of ten, thinned to about
    /// `targetCount`; when the range spans three decades or less, 2× and 5× are added, and
    /// 3× (then 1.5×, 4× and 7×) while that still leaves fewer than four labelled ticks
    /// (a loss falling from 0.08 to 0.03 gets 0.03, 0.04, 0.05, 0.07, not two ticks).
    public static func logarithmic(in range: ClosedRange<Double>, targetCount: Int = 6) -> [Double] {
        let lo = max(range.lowerBound, .leastNormalMagnitude)
        let hi = max(range.upperBound, lo)
        let e0 = Int(floor(log10(lo) + 1e-9))
        let e1 = Int(ceil(log10(hi) - 1e-9))
        let inside = { (v: Double) in v >= lo * (1 - 1e-9) && v <= hi * (1 + 1e-9) }
        let decades = Array(e0...max(e0, e1))
        if decades.count <= 3 {
            var best: [Double] = []
            for multiples in [[1.0, 2, 5], [1.0, 2, 3, 5], [1.0, 1.5, 2, 3, 4, 5, 7]] {
                let candidates = decades.flatMap { e in multiples.map { $0 * pow(10, Double(e)) } }
                    .filter(inside)
                if candidates.count <= targetCount + 1 || best.count < 2 { best = candidates }
                if best.count >= 4 { break }
            }
            if best.count >= 2 { return best }
        }
        // Every k-th power of ten, k chosen for about targetCount ticks, but never so
        // sparse that fewer than two remain.
        var every = max(1, Int((Double(decades.count) / Double(max(targetCount, 1))).rounded(.up)))
        while every >= 1 {
            let powers = decades.filter { $0 % every == 0 }.map { pow(10, Double($0)) }.filter(
                inside)
            if powers.count >= 2 { return powers }
            every -= 1
        }
        // A range inside one decade without two 1/2/5 marks: linear ticks read fine there.
        return linear(in: lo...hi, targetCount: targetCount)
    }

    /// A tick label with just enough decimals for `step`: `0.25` with step 0.05, `1500`
    /// with step 500. Very large or small magnitudes use exponent form (`2e-6`). Negative
    /// numbers use the typographic minus sign `−`.
    public static func label(_ v: Double, step: Double) -> String {
        if v == 0 { return "0" }
        let magnitude = max(abs(v), abs(step))
        if magnitude >= 1e6 || abs(step) < 1e-4 { return exponential(v) }
        let decimals = max(0, Int((-log10(abs(step)) - 1e-9).rounded(.up)))
        return minusSign(String(format: "%.\(decimals)f", v))
    }

    /// A label for a log-axis tick: plain decimals between 10⁻⁴ and 10⁶ (`0.002`, `500`),
    /// exponent form outside (`1e-6`), at most four significant digits.
    public static func logLabel(_ v: Double) -> String {
        guard v != 0 else { return "0" }
        let e = Int(floor(log10(abs(v)) + 1e-9))
        guard e >= -4 && e < 6 else { return exponential(v) }
        var s = String(format: "%.\(max(0, 3 - e))f", v)
        if s.contains(".") {
            while s.hasSuffix("0") { s.removeLast() }
            if s.hasSuffix(".") { s.removeLast() }
        }
        return minusSign(s)
    }

    private static func exponential(_ v: Double) -> String {
        var e = Int(floor(log10(abs(v))))
        var mantissa = v / pow(10, Double(e))
        if abs(mantissa) >= 9.9995 {
            mantissa /= 10
            e += 1
        }
        var m = String(format: "%.3f", mantissa)
        while m.hasSuffix("0") { m.removeLast() }
        if m.hasSuffix(".") { m.removeLast() }
        return minusSign("\(m)e\(e)")
    }

    /// A leading hyphen-minus becomes the typographic minus sign (exponents keep `e-6`).
    private static func minusSign(_ s: String) -> String {
        s.hasPrefix("-") ? "\u{2212}" + s.dropFirst() : s
    }
}
