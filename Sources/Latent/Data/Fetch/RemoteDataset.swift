import Foundation

/// A dataset that can be downloaded: its directory name, the mirrors that serve it, and
/// each file's pinned size and SHA-256.
///
/// The checksums are those of the reference copies in `shared/datasets/SHA256SUMS`
/// (see its `PROVENANCE.md`); the MNIST and Fashion-MNIST files also match their
/// publishers' MD5s. A download that does not hash to the pinned value is rejected.
public struct RemoteDataset: Sendable, Equatable {
    /// One file of a dataset.
    public struct File: Sendable, Equatable {
        /// The file name, both on the mirrors and on disk.
        public var name: String
        /// The expected SHA-256, 64 lowercase hex digits.
        public var sha256: String
        /// The expected size in bytes.
        public var size: Int

        /// Describes a file by name, pinned SHA-256 (lowercase hex) and size in bytes.
        public init(name: String, sha256: String, size: Int) {
            self.name = name
            self.sha256 = sha256
            self.size = size
        }
    }

    /// The dataset's directory name under the data root (see ``DataDirectory``).
    public var name: String
    /// Base URLs tried in order; a file's URL is the base followed by its name.
    public var mirrors: [URL]
    /// The files that make up the dataset.
    public var files: [File]

    /// Describes a dataset; `mirrors` are base URLs ending in `/`.
    public init(name: String, mirrors: [URL], files: [File]) {
        self.name = name
        self.mirrors = mirrors
        self.files = files
    }

    /// MNIST handwritten digits (Y. LeCun, C. Cortes; CC BY-SA 3.0).
    public static let mnist = RemoteDataset(
        name: "mnist",
        mirrors: [
            URL(string: "https://ossci-datasets.s3.amazonaws.com/mnist/")!,
            URL(string: "https://storage.googleapis.com/cvdf-datasets/mnist/")!,
        ],
        files: [
            File(
                name: "train-images-idx3-ubyte.gz",
                sha256: "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609",
                size: 9_912_422),
            File(
                name: "train-labels-idx1-ubyte.gz",
                sha256: "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c",
                size: 28_881),
            File(
                name: "t10k-images-idx3-ubyte.gz",
                sha256: "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6",
                size: 1_648_877),
            File(
                name: "t10k-labels-idx1-ubyte.gz",
                sha256: "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6",
                size: 4_542),
        ])

    /// Fashion-MNIST clothing images (Zalando SE; MIT licence).
    public static let fashionMNIST = RemoteDataset(
        name: "fashion-mnist",
        mirrors: [URL(string: "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/")!],
        files: [
            File(
                name: "train-images-idx3-ubyte.gz",
                sha256: "3aede38d61863908ad78613f6a32ed271626dd12800ba2636569512369268a84",
                size: 26_421_880),
            File(
                name: "train-labels-idx1-ubyte.gz",
                sha256: "a04f17134ac03560a47e3764e11b92fc97de4d1bfaf8ba1a3aa29af54cc90845",
                size: 29_515),
            File(
                name: "t10k-images-idx3-ubyte.gz",
                sha256: "346e55b948d973a97e58d2351dde16a484bd415d4595297633bb08f03db6a073",
                size: 4_422_102),
            File(
                name: "t10k-labels-idx1-ubyte.gz",
                sha256: "67da17c76eaffca5446c3361aaab5c3cd6d1c2608764d35dfb1850b086bf8dd5",
                size: 5_148),
        ])

    /// ECG5000 heartbeats as in TensorFlow's autoencoder tutorial (UCR archive; research use).
    public static let ecg5000 = RemoteDataset(
        name: "ecg5000",
        mirrors: [URL(string: "http://storage.googleapis.com/download.tensorflow.org/data/")!],
        files: [
            File(
                name: "ecg.csv",
                sha256: "72ce7b040ca0c6ed36c3368e570c6ac4ddf20100476e47373c63b2395e012df1",
                size: 7_877_383)
        ])

    /// Every dataset Latent knows how to fetch.
    public static let all: [RemoteDataset] = [.mnist, .fashionMNIST, .ecg5000]

    /// The known dataset with this name (`mnist`, `fashion-mnist`, `ecg5000`), if any.
    public static func named(_ name: String) -> RemoteDataset? {
        all.first { $0.name == name.lowercased() }
    }
}
