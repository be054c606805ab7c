// swift-tools-version:6.0
import PackageDescription

// The numeric targets are always compiled with optimisation and for the host CPU, so that
// `swift run sweep ...` (a debug build) is not many times slower than a release build.
let fast: [SwiftSetting] = [.unsafeFlags(["-O", "-Xcc", "-march=native"])]

let package = Package(
    name: "QuietSTaRSuite",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "sweep", targets: ["sweep"]),
        .executable(name: "bench", targets: ["bench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        // System libraries: OpenBLAS (cblas) and libhdf5, installed with apt-get when missing by the
        // SystemPackages plugin (at the start of every build of the targets that link them) and by `make`.
        .systemLibrary(name: "CBLAS", pkgConfig: "openblas",
                       providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(name: "CHDF5", pkgConfig: "hdf5",
                       providers: [.apt(["libhdf5-dev"])]),
        .plugin(name: "SystemPackages", capability: .buildTool(), path: "Sources/SystemPackages",
                exclude: ["system-packages.sh", "README.md"]),

        // Numeric stack, dependencies point one way.
        .target(name: "TensorCore", dependencies: ["CBLAS"],
                exclude: ["README.md"], swiftSettings: fast, plugins: ["SystemPackages"]),
        .target(name: "NN", dependencies: ["TensorCore"],
                exclude: ["README.md"], swiftSettings: fast),
        .target(name: "Transformer", dependencies: ["NN", "TensorCore"],
                exclude: ["README.md"], swiftSettings: fast),
        .target(name: "QuietSTaR", dependencies: ["Transformer", "NN", "TensorCore"],
                exclude: ["README.md"], swiftSettings: fast),

        // No tensors below this line.
        .target(name: "SyntheticData", exclude: ["README.md"], swiftSettings: fast),
        .target(name: "HDF5Log", dependencies: ["CHDF5"], exclude: ["README.md"], plugins: ["SystemPackages"]),
        .target(name: "Figures", exclude: ["README.md"]),

        // Reads run logs, renders the paper's figures, writes the report. No tensors.
        .target(name: "Report", dependencies: ["HDF5Log", "Figures"], exclude: ["README.md"]),

        .target(name: "Experiments",
                dependencies: ["QuietSTaR", "Transformer", "NN", "TensorCore",
                               "SyntheticData", "HDF5Log", "Figures"],
                exclude: ["README.md"], swiftSettings: fast),

        .executableTarget(name: "sweep", dependencies: [
            "Experiments", "SyntheticData", "Report", "TensorCore",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ], swiftSettings: fast),
        .executableTarget(name: "bench", dependencies: [
            "QuietSTaR", "Transformer", "NN", "TensorCore",
        ], swiftSettings: fast),

        .testTarget(name: "TensorCoreTests", dependencies: ["TensorCore"], swiftSettings: fast),
        .testTarget(name: "NNTests", dependencies: ["NN", "TensorCore"], swiftSettings: fast),
        .testTarget(name: "TransformerTests", dependencies: ["Transformer", "NN", "TensorCore"],
                    swiftSettings: fast),
        .testTarget(name: "QuietSTaRTests",
                    dependencies: ["QuietSTaR", "Transformer", "NN", "TensorCore"],
                    swiftSettings: fast),
        .testTarget(name: "SyntheticDataTests", dependencies: ["SyntheticData"], swiftSettings: fast),
        .testTarget(name: "HDF5LogTests", dependencies: ["HDF5Log"]),
        .testTarget(name: "FiguresTests", dependencies: ["Figures"]),
        .testTarget(name: "ReportTests", dependencies: ["Report", "HDF5Log", "Figures"]),
        .testTarget(name: "ExperimentsTests", dependencies: ["Experiments"], swiftSettings: fast),
    ],
    swiftLanguageModes: [.v5]
)
