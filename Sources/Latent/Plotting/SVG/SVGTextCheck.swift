import Foundation

/// A check of an SVG figure's text, from the document alone: every `<text>` element's
/// bounding box, estimated with the same ``TextMetrics`` the layout uses, must lie inside
/// the `viewBox`, and no two boxes may overlap.
///
/// This is the visual regression check of Latent's figures without a browser: a title
/// wider than its figure (clipped at the left), two point labels printed over each other,
/// or crowded tick labels all show up as a problem. The estimate errs wide, as the layout
/// does, so a figure that passes has room to spare in a real font.
///
/// ```swift
/// let problems = SVGTextCheck.problems(in: plot.svg())   // [] when the figure is clean
/// ```
public enum SVGTextCheck {
    /// A text element's box in user units (pixels), with its text.
    public struct TextBox: Equatable, Sendable {
        public var text: String
        public var minX: Double, minY: Double, maxX: Double, maxY: Double

        func intersects(_ other: TextBox, tolerance: Double) -> Bool {
            minX + tolerance < other.maxX && other.minX + tolerance < maxX
                && minY + tolerance < other.maxY && other.minY + tolerance < maxY
        }
    }

    /// The `viewBox` of the root element (`width`/`height` when there is none).
    public static func viewBox(of svg: String) -> (width: Double, height: Double)? {
        if let box = firstMatch(#"viewBox="([-\d. ]+)""#, in: svg) {
            let parts = box.split(separator: " ").compactMap { Double($0) }
            if parts.count == 4 { return (parts[2], parts[3]) }
        }
        guard let w = firstMatch(#"<svg[^>]* width="([\d.]+)""#, in: svg).flatMap(Double.init),
            let h = firstMatch(#"<svg[^>]* height="([\d.]+)""#, in: svg).flatMap(Double.init)
        else { return nil }
        return (w, h)
    }

    /// The boxes of every `<text>` element: its advance width from ``TextMetrics``, from
    /// 0.8 em above the baseline to 0.25 em below, placed by `text-anchor` and turned by a
    /// `rotate(±90 …)` transform.
    public static func textBoxes(in svg: String) -> [TextBox] {
        let element = try! NSRegularExpression(pattern: #"<text([^>]*)>([^<]*)</text>"#)
        let ns = svg as NSString
        return element.matches(in: svg, range: NSRange(location: 0, length: ns.length)).compactMap {
            match in
            let attributes = ns.substring(with: match.range(at: 1))
            let text = unescape(ns.substring(with: match.range(at: 2)))
            func attribute(_ name: String) -> String? {
                firstMatch(#"(?:^|\s)"# + name + #"="([^"]*)""#, in: attributes)
            }
            guard let x = attribute("x").flatMap(Double.init),
                let y = attribute("y").flatMap(Double.init),
                let size = attribute("font-size").flatMap(Double.init), !text.isEmpty
            else { return nil }
            let width = TextMetrics.width(text, fontSize: size)
            let (a, b): (Double, Double) =
                switch attribute("text-anchor") {
                case "middle": (-width / 2, width / 2)
                case "end": (-width, 0)
                default: (0, width)
                }
            let (c, d) = (-0.8 * size, 0.25 * size)
            let angle =
                attribute("transform").flatMap { firstMatch(#"rotate\(([-\d.]+)"#, in: $0) }
                .flatMap(Double.init) ?? 0
            switch angle {
            case -90, 270:  // (x + dx, y + dy) → (x + dy, y − dx)
                return TextBox(text: text, minX: x + c, minY: y - b, maxX: x + d, maxY: y - a)
            case 90, -270:  // (x + dx, y + dy) → (x − dy, y + dx)
                return TextBox(text: text, minX: x - d, minY: y + a, maxX: x - c, maxY: y + b)
            default:
                return TextBox(text: text, minX: x + a, minY: y + c, maxX: x + b, maxY: y + d)
            }
        }
    }

    /// What is wrong with the figure's text, one sentence each: a box leaving the
    /// `viewBox`, or two boxes overlapping by more than `tolerance` pixels.
    public static func problems(in svg: String, tolerance: Double = 1) -> [String] {
        guard let (width, height) = viewBox(of: svg) else { return ["the SVG has no viewBox"] }
        let boxes = textBoxes(in: svg)
        var problems: [String] = []
        for box in boxes
        where box.minX < -tolerance || box.minY < -tolerance || box.maxX > width + tolerance
            || box.maxY > height + tolerance
        {
            problems.append(
                "'\(box.text)' leaves the \(Int(width))×\(Int(height)) view box: "
                    + String(
                        format: "x %.0f…%.0f, y %.0f…%.0f", box.minX, box.maxX, box.minY, box.maxY))
        }
        for i in boxes.indices {
            for j in boxes.indices where j > i && boxes[i].intersects(boxes[j], tolerance: tolerance) {
                problems.append("'\(boxes[i].text)' overlaps '\(boxes[j].text)'")
            }
        }
        return problems
    }

    /// Every inline `<svg>…</svg>` of an HTML page.
    public static func inlineFigures(inHTML html: String) -> [String] {
        var figures: [String] = []
        var rest = Substring(html)
        while let start = rest.range(of: "<svg"), let end = rest[start.lowerBound...].range(of: "</svg>") {
            figures.append(String(rest[start.lowerBound..<end.upperBound]))
            rest = rest[end.upperBound...]
        }
        return figures
    }

    private static func firstMatch(_ pattern: String, in text: String) -> String? {
        let regex = try! NSRegularExpression(pattern: pattern)
        let ns = text as NSString
        guard let m = regex.firstMatch(in: text, range: NSRange(location: 0, length: ns.length)),
            m.numberOfRanges > 1, m.range(at: 1).location != NSNotFound
        else { return nil }
        return ns.substring(with: m.range(at: 1))
    }

    private static func unescape(_ text: String) -> String {
        text.replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
            .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&#39;", with: "'")
            .replacingOccurrences(of: "&apos;", with: "'").replacingOccurrences(of: "&amp;", with: "&")
    }
}
