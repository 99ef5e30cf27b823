import ArgumentParser
import Foundation
import Latent

extension LatentCommand {
    struct Bench: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Time training and scoring of the lessons' models on synthetic data.")

        @Option(help: "Workload: \(BenchWorkload.allCases.map(\.rawValue).joined(separator: ", ")) or all.")
        var workload: String = "all"

        @Option(help: "Threads for BLAS and Latent's loops.")
        var threads: Int = 2

        @Option(help: "Training epochs to time after one warm-up epoch.")
        var epochs: Int = 1

        @Option(help: "Write the results as JSON to this file.")
        var json: String?

        func run() throws {
            Engine.threadCount = threads
            let selected = workload == "all" ? BenchWorkload.allCases : [try BenchWorkload.parse(workload)]
            var results: [BenchResult] = []
            for w in selected {
                let r = try w.run(epochs: epochs)
                results.append(r)
                print(r.line)
            }
            if let json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
                try AtomicFile.write(try encoder.encode(results), to: URL(fileURLWithPath: json))
            }
        }
    }
}
