/// A minimal SVG writer: elements are appended as text, attribute values and text content
/// are XML-escaped, and coordinates are rounded to one decimal (a tenth of a pixel is
/// invisible, and it keeps a 10,000-point scatter plot a few hundred kilobytes).
struct SVGDocument {
    let width: Double
    let height: Double
    private(set) var body = ""

    init(width: Double, height: Double) {
        self.width = width
        self.height = height
    }

    /// Appends `<name a="v" …/>`, or `<name …>content</name>` when `content` is given
    /// (content is escaped). Attributes with a `nil` value are left out.
    mutating func element(
        _ name: String, _ attributes: KeyValuePairs<String, String?>, content: String? = nil
    ) {
        body += "<" + name
        for (key, value) in attributes {
            if let value { body += " \(key)=\"\(SVGDocument.escape(value))\"" }
        }
        if let content {
            body += ">" + SVGDocument.escape(content) + "</\(name)>\n"
        } else {
            body += "/>\n"
        }
    }

    /// Opens a `<g>` group; close it with `endGroup()`.
    mutating func beginGroup(_ attributes: KeyValuePairs<String, String?>) {
        body += "<g"
        for (key, value) in attributes {
            if let value { body += " \(key)=\"\(SVGDocument.escape(value))\"" }
        }
        body += ">\n"
    }

    mutating func endGroup() { body += "</g>\n" }

    /// Appends markup that is already well-formed (used for bulk elements built in a loop).
    mutating func appendRaw(_ markup: String) { body += markup }

    /// Text with a white outline behind it, so it stays readable over grid lines and data.
    mutating func text(
        _ string: String, x: Double, y: Double, size: Double, anchor: String = "start",
        color: RGBColor = .ink, weight: String? = nil, rotate: Double? = nil, halo: Bool = false
    ) {
        element(
            "text",
            [
                "x": SVGDocument.number(x), "y": SVGDocument.number(y),
                "font-size": SVGDocument.number(size),
                "text-anchor": anchor == "start" ? nil : anchor,
                "fill": color.hexString, "font-weight": weight,
                "transform": rotate.map {
                    "rotate(\(SVGDocument.number($0)) \(SVGDocument.number(x)) \(SVGDocument.number(y)))"
                },
                "stroke": halo ? "#ffffff" : nil, "stroke-width": halo ? "3" : nil,
                "stroke-linejoin": halo ? "round" : nil, "paint-order": halo ? "stroke" : nil,
            ], content: string)
    }

    /// The complete document. `id` is put on the root element and substituted for every
    /// `SVGDocument.idToken` in the body, so ids inside stay unique when several figures
    /// are inlined into one HTML page.
    func rendered(id: String, fontFamily: String) -> String {
        let w = SVGDocument.number(width)
        let h = SVGDocument.number(height)
        return """
            <svg xmlns="http://www.w3.org/2000/svg" id="\(id)" width="\(w)" height="\(h)" \
            viewBox="0 0 \(w) \(h)" font-family="\(SVGDocument.escape(fontFamily))">
            \(body.replacingOccurrences(of: SVGDocument.idToken, with: id))</svg>

            """
    }

    /// Placeholder for the document id inside the body (see `rendered(id:fontFamily:)`).
    static let idToken = "@ID@"

    /// Escapes the five XML special characters, and drops control characters XML 1.0 forbids.
    static func escape(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for scalar in s.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            case "\t", "\n", "\r": out.unicodeScalars.append(scalar)
            default:
                if scalar.value >= 0x20 && scalar.value != 0xFFFE && scalar.value != 0xFFFF {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out
    }

    /// A coordinate rounded to one decimal, without a trailing `.0` (`12`, `-3.5`).
    /// Non-finite values, which callers filter out beforehand, print as `0`.
    static func number(_ v: Double) -> String {
        guard v.isFinite else { return "0" }
        let tenths = Int((abs(v) * 10).rounded())
        let sign = v < 0 && tenths != 0 ? "-" : ""
        return tenths % 10 == 0 ? "\(sign)\(tenths / 10)" : "\(sign)\(tenths / 10).\(tenths % 10)"
    }

    /// An opacity in [0, 1] with two decimals (`0.45`).
    static func opacity(_ v: Double) -> String {
        let hundredths = Int((min(max(v.isFinite ? v : 1, 0), 1) * 100).rounded())
        if hundredths == 100 { return "1" }
        return hundredths % 10 == 0
            ? "0.\(hundredths / 10)" : (hundredths < 10 ? "0.0\(hundredths)" : "0.\(hundredths)")
    }

    /// A short content hash (FNV-1a, 32 bits) used to make deterministic element ids.
    static func hash(_ s: String) -> String {
        var h: UInt32 = 0x811C_9DC5
        for byte in s.utf8 { h = (h ^ UInt32(byte)) &* 0x0100_0193 }
        let hex = String(h, radix: 16)
        return String(repeating: "0", count: 8 - hex.count) + hex
    }
}
