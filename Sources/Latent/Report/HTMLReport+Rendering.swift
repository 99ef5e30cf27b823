import Foundation

extension HTMLReport {
    /// The complete page: an HTML5 document with its stylesheet inline and no external
    /// resources.
    public func html() -> String {
        var out = """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(HTMLReport.escape(title))</title>
            <style>\(HTMLReport.stylesheet)</style>
            </head>
            <body>
            <main>
            <header>
            <h1>\(HTMLReport.escape(title))</h1>

            """
        if let subtitle { out += "<p class=\"subtitle\">\(HTMLReport.escape(subtitle))</p>\n" }
        out += "</header>\n"
        for section in sections where section.title != nil || !section.blocks.isEmpty {
            out += "<section class=\"card\">\n"
            if let title = section.title { out += "<h2>\(HTMLReport.escape(title))</h2>\n" }
            out += render(section.blocks)
            out += "</section>\n"
        }
        if let footer { out += "<footer>\(HTMLReport.escape(footer))</footer>\n" }
        out += "</main>\n</body>\n</html>\n"
        return out
    }

    /// Blocks in order; runs of half-width figures are wrapped in one grid row.
    private func render(_ blocks: [Block]) -> String {
        var out = ""
        var row = ""
        func flushRow() {
            if !row.isEmpty { out += "<div class=\"figure-row\">\n\(row)</div>\n" }
            row = ""
        }
        for block in blocks {
            switch block {
            case .svgFigure(_, _, .half), .pngFigure(_, _, _, .half, _):
                row += render(block)
            default:
                flushRow()
                out += render(block)
            }
        }
        flushRow()
        return out
    }

    private func render(_ block: Block) -> String {
        let e = HTMLReport.escape
        switch block {
        case .paragraph(let text):
            return "<p>\(e(text))</p>\n"
        case .metrics(let title, let rows):
            var out = title.map { "<h3>\(e($0))</h3>\n" } ?? ""
            out += "<table class=\"metrics\">\n"
            for (key, value) in rows {
                out += "<tr><th scope=\"row\">\(e(key))</th><td>\(e(value.formatted))</td></tr>\n"
            }
            return out + "</table>\n"
        case .svgFigure(let markup, let caption, _):
            return
                "<figure>\n\(markup)\(caption.map { "<figcaption>\(e($0))</figcaption>\n" } ?? "")</figure>\n"
        case .pngFigure(let base64, let caption, let alt, _, let pixelated):
            let img =
                "<img src=\"data:image/png;base64,\(base64)\" alt=\"\(e(alt))\"\(pixelated ? " class=\"pixelated\"" : "")>"
            return
                "<figure>\n\(img)\n\(caption.map { "<figcaption>\(e($0))</figcaption>\n" } ?? "")</figure>\n"
        case .preformatted(let title, let text):
            return (title.map { "<h3>\(e($0))</h3>\n" } ?? "") + "<pre>\(e(text))</pre>\n"
        case .warning(let text):
            return "<p class=\"warning\" role=\"alert\">\(e(text))</p>\n"
        case .fileList(let title, let names):
            // Percent-encode for the href; the name itself stays readable.
            let items = names.map { name -> String in
                let href = name.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? name
                return "<li><a href=\"\(e(href))\">\(e(name))</a></li>"
            }
            return (title.map { "<h3>\(e($0))</h3>\n" } ?? "")
                + "<ul class=\"files\">\n\(items.joined(separator: "\n"))\n</ul>\n"
        }
    }

    /// Escapes `&`, `<`, `>`, `"` and `'` so text can go in element content or attributes
    /// (the same rules as SVG text, which HTML5 accepts).
    public static func escape(_ text: String) -> String { SVGDocument.escape(text) }
}
