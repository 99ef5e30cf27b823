import ArgumentParser
import Foundation
import Latent

extension LatentCommand {
    struct Datasets: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List and download the lessons' datasets (checked against pinned SHA-256 sums).",
            subcommands: [List.self, Fetch.self])

        struct List: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Show each dataset, its files and whether they are present.")

            @OptionGroup var root: DataRootOption

            func run() throws {
                let fetcher = DatasetFetcher(root: root.url)
                for dataset in RemoteDataset.all {
                    let dir = fetcher.directory(for: dataset)
                    let missing = fetcher.unverifiedFiles(of: dataset)
                    print(
                        "\(dataset.name)  \(missing.isEmpty ? "present" : "\(missing.count) of \(dataset.files.count) files missing or unverified")  \(dir.path)"
                    )
                    for file in dataset.files {
                        print("  \(file.name)  \(file.size) bytes  sha256 \(file.sha256.prefix(16))…")
                    }
                }
            }
        }

        struct Fetch: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Download a dataset's original files from their canonical URLs and verify them.")

            @Argument(help: "mnist, fashion-mnist, ecg5000 or all.")
            var name: String

            @OptionGroup var root: DataRootOption

            @Option(
                help: ArgumentHelp(
                    "Fetch from this base URL instead of the canonical mirrors (e.g. file:///mnt/mirror/mnist/).",
                    discussion: "Files are still checked against the pinned SHA-256 sums."))
            var baseURL: String?

            func validate() throws {
                guard name == "all" || RemoteDataset.named(name) != nil else {
                    throw ValidationError(
                        "Unknown dataset '\(name)'. Choose one of: \(RemoteDataset.all.map(\.name).joined(separator: ", ")), all."
                    )
                }
                if let baseURL, URL(string: baseURL)?.scheme == nil {
                    throw ValidationError(
                        "--base-url must be a URL with a scheme (https://, file://), got '\(baseURL)'.")
                }
            }

            func run() throws {
                let fetcher = DatasetFetcher(
                    root: root.url, baseURL: baseURL.flatMap(URL.init(string:)),
                    log: { FileHandle.standardError.write(Data(($0 + "\n").utf8)) })
                let datasets = name == "all" ? RemoteDataset.all : [RemoteDataset.named(name)!]
                for dataset in datasets {
                    let dir = try fetcher.fetch(dataset)
                    print("\(dataset.name): \(dataset.files.count) files verified in \(dir.path)")
                }
            }
        }
    }
}
