import ArgumentParser
import Foundation
import Latent

extension LatentCommand {
    struct Bench: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Time training and scoring of the lessons' models on synthetic data.",
            discussion: """
                For each workload: training samples/s over full epochs after one warm-up epoch, \
                scoring samples/s in batches of 4096, peak resident memory, and the GFLOP/s of \
                the GEMMs next to what BLAS reaches on the same shapes alone (the roof). \
                With `all`, each workload runs in its own process so peak memory is its own.
                """)

        @Option(help: "Workload: \(BenchWorkload.allCases.map(\.rawValue).joined(separator: ", ")) or all.")
        var workload: String = "all"

        @Option(
            help:
                "Threads for BLAS and Latent's loops (default: LATENT_THREADS, else the CPUs available to this process)."
        )
        var threads: Int?

        @Option(help: "Training epochs to time after one warm-up epoch.")
        var epochs: Int = 2

        @Option(help: "Write the results as JSON to this file.")
        var json: String?

        @Flag(help: .hidden)
        var child = false

        /// Training only (no scoring, no roof): for profilers such as callgrind.
        @Flag(help: .hidden)
        var trainOnly = false

        /// Scoring only (no training; training columns are 0): quick A/B runs of inference.
        @Flag(help: .hidden)
        var scoreOnly = false

        /// Rows per scoring block instead of the default (for tuning it).
        @Option(help: .hidden)
        var rowsPerBlock: Int?

        /// Training rows instead of the workload's (for profilers).
        @Option(help: .hidden)
        var rows: Int?

        func run() throws {
            if let threads {
                guard threads >= 1 else { throw ValidationError("--threads must be at least 1 (got \(threads)).") }
                Engine.threadCount = threads
            }
            let threads = Engine.threadCount
            let selected = workload == "all" ? BenchWorkload.allCases : [try BenchWorkload.parse(workload)]
            var results: [BenchResult] = []
            if !child {
                print(
                    "BLAS kernels: \(Engine.blasKernels); Latent kernels: \(Engine.vectorKernels); threads: \(threads)")
                print(BenchResult.header)
            }
            for w in selected {
                let r =
                    selected.count > 1
                    ? try runInChild(w)
                    : try w.run(
                        epochs: epochs, trainOnly: trainOnly, scoreOnly: scoreOnly, rows: rows,
                        rowsPerBlock: rowsPerBlock)
                results.append(r)
                if child {
                    FileHandle.standardOutput.write(try JSONEncoder().encode(r))
                } else {
                    print(r.line)
                }
            }
            if let json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
                try AtomicFile.write(try encoder.encode(results), to: URL(fileURLWithPath: json))
            }
        }

        /// Runs one workload in a fresh process of this executable.
        func runInChild(_ w: BenchWorkload) throws -> BenchResult {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: CommandLine.arguments[0]).standardizedFileURL
            if !FileManager.default.isExecutableFile(atPath: process.executableURL!.path) {
                process.executableURL = Bundle.main.executableURL
            }
            process.arguments = [
                "bench", "--workload", w.rawValue, "--threads", "\(Engine.threadCount)", "--epochs", "\(epochs)",
                "--child",
            ]
            let pipe = Pipe()
            process.standardOutput = pipe
            try process.run()
            let data = pipe.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            guard process.terminationStatus == 0 else {
                throw ValidationError("bench --workload \(w.rawValue) failed (status \(process.terminationStatus)).")
            }
            return try JSONDecoder().decode(BenchResult.self, from: data)
        }
    }
}
