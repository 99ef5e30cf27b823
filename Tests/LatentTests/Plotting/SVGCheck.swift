import Foundation
import XCTest

#if canImport(FoundationXML)
import FoundationXML
#endif

/// Parses SVG text with Foundation's XMLParser and collects what tests need to look at.
final class SVGCheck: NSObject, XMLParserDelegate {
    struct Element {
        var name: String
        var attributes: [String: String]
    }

    private(set) var elements: [Element] = []
    private(set) var texts: [String] = []
    private var currentText: String?

    struct ParseError: Error, CustomStringConvertible {
        var description: String
    }

    /// Parses `svg`; throws if it is not well-formed XML.
    static func parse(_ svg: String) throws -> SVGCheck {
        let check = SVGCheck()
        let parser = XMLParser(data: Data(svg.utf8))
        parser.delegate = check
        guard parser.parse() else {
            throw ParseError(
                description:
                    "XMLParser failed at line \(parser.lineNumber): \(parser.parserError.map { "\($0)" } ?? "?")"
            )
        }
        return check
    }

    func elements(named name: String) -> [Element] { elements.filter { $0.name == name } }

    func parser(
        _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
        qualifiedName: String?, attributes: [String: String] = [:]
    ) {
        elements.append(Element(name: elementName, attributes: attributes))
        if elementName == "text" { currentText = "" }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        currentText? += string
    }

    func parser(
        _ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?,
        qualifiedName: String?
    ) {
        if elementName == "text", let text = currentText {
            texts.append(text)
            currentText = nil
        }
    }
}
