import Foundation

/// One row of a model summary.
public struct SummaryRow: Equatable, Sendable {
    public let name: String
    public let type: String
    public let outputShape: [Int?]
    public let parameterCount: Int
}

extension Model {
    /// Layer-by-layer rows (name, type, output shape with a free batch axis, parameter
    /// count), found by running one example of `inputShape` through the model.
    public func summaryRows(inputShape: [Int]) -> [SummaryRow] {
        withoutGradients {
            var rows: [SummaryRow] = []
            func walk(_ sequential: Sequential, prefix: String, input: Tensor) -> Tensor {
                var x = input
                for (i, layer) in sequential.layers.enumerated() {
                    x = layer(x)
                    let type =
                        (layer as? any SpecifiedLayer)?.spec.typeName ?? String(describing: Swift.type(of: layer))
                    rows.append(
                        SummaryRow(
                            name: "\(prefix).\(i)", type: type,
                            outputShape: [nil] + x.shape.dropFirst().map { Optional($0) },
                            parameterCount: layer.parameterCount))
                }
                return x
            }
            func single(_ layer: Dense, name: String, input: Tensor) -> Tensor {
                let y = layer(input)
                rows.append(
                    SummaryRow(
                        name: name, type: "Dense", outputShape: [nil] + y.shape.dropFirst().map { Optional($0) },
                        parameterCount: layer.parameterCount))
                return y
            }
            let x = Tensor.zeros([1] + inputShape)
            switch self {
            case let s as Sequential:
                _ = walk(s, prefix: "layers", input: x)
            case let ae as Autoencoder:
                _ = walk(ae.decoder, prefix: "decoder", input: walk(ae.encoder, prefix: "encoder", input: x))
            case let vae as VariationalAutoencoder:
                let h = walk(vae.encoder, prefix: "encoder", input: x)
                let mean = single(vae.meanHead, name: "meanHead", input: h)
                _ = single(vae.logSDHead, name: "logSDHead", input: h)
                _ = walk(vae.decoder, prefix: "decoder", input: mean)
            default:
                rows.append(
                    SummaryRow(
                        name: "model", type: String(describing: Swift.type(of: self)),
                        outputShape: [nil] + self(x).shape.dropFirst().map { Optional($0) },
                        parameterCount: parameterCount))
            }
            return rows
        }
    }

    /// A Keras-style table: layer, output shape, parameter count, and the total.
    public func summary(inputShape: [Int]) -> String {
        let rows = summaryRows(inputShape: inputShape)
        func shape(_ s: [Int?]) -> String {
            "(" + s.map { $0.map(String.init) ?? "None" }.joined(separator: ", ") + ")"
        }
        let table = rows.map { ("\($0.name) (\($0.type))", shape($0.outputShape), grouped($0.parameterCount)) }
        let header = ("Layer (type)", "Output Shape", "Param #")
        let w0 = max(header.0.count, table.map(\.0.count).max() ?? 0) + 2
        let w1 = max(header.1.count, table.map(\.1.count).max() ?? 0) + 2
        let w2 = max(header.2.count, table.map(\.2.count).max() ?? 0)
        func line(_ a: String, _ b: String, _ c: String) -> String {
            a.padding(toLength: w0, withPad: " ", startingAt: 0) + b.padding(toLength: w1, withPad: " ", startingAt: 0)
                + String(repeating: " ", count: w2 - c.count) + c
        }
        let rule = String(repeating: "─", count: w0 + w1 + w2)
        var out = ["Model: \(String(describing: type(of: self)))", rule, line(header.0, header.1, header.2), rule]
        out += table.map { line($0.0, $0.1, $0.2) }
        out += [rule, "Total params: \(grouped(parameterCount))", ""]
        return out.joined(separator: "\n")
    }
}

/// 12345 → "12,345".
func grouped(_ n: Int) -> String {
    let digits = String(n)
    var out = ""
    for (i, ch) in digits.enumerated() {
        if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
        out.append(ch)
    }
    return out
}
