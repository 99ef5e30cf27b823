/// Approximate rendered text widths, for layout only (legend boxes, margins, tick spacing).
/// Widths are per-character averages of common sans-serif faces, erring wide (DejaVu Sans,
/// the usual Linux fallback, is wider than Helvetica), so text gets room rather than clipped.
enum TextMetrics {
    /// Estimated width in pixels of `text` at `fontSize` pixels.
    static func width(_ text: String, fontSize: Double) -> Double {
        var em = 0.0
        for ch in text {
            switch ch {
            case "0"..."9": em += 0.64
            case ".", ",", ":", ";", "!", "i", "j", "l", "|", "'", " ", "I": em += 0.32
            case "f", "t", "r", "(", ")", "[", "]", "-": em += 0.4
            case "m", "w": em += 0.92
            case "M", "W": em += 0.98
            case "A"..."Z": em += 0.72
            case "a"..."z": em += 0.6
            default: em += 0.7
            }
        }
        return em * fontSize
    }
}
