// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "tune",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "tune", targets: ["tune"]),
        .library(name: "TuneCore", targets: ["TuneCore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    ],
    targets: [
        // The watchdog process that stops trials when tune is killed (fork + async-signal-safe C).
        .target(name: "CTuneSupport"),
        .target(
            name: "TuneCore",
            dependencies: ["CTuneSupport", .product(name: "Yams", package: "Yams")]
        ),
        .target(
            name: "TuneCommands",
            dependencies: [
                "TuneCore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(name: "tune", dependencies: ["TuneCommands"]),
        .executableTarget(
            name: "tune-bench",
            dependencies: ["TuneCore", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            path: "Sources/tune-bench",
            exclude: ["Peers"]
        ),
        // What the test targets share: temp folders, scripts, jobs built from journal events.
        .target(name: "TuneTestSupport", dependencies: ["TuneCore"], path: "Tests/TuneTestSupport"),
        .testTarget(name: "TuneCoreTests", dependencies: ["TuneCore", "TuneTestSupport"], exclude: ["Fixtures"]),
        .testTarget(name: "TuneCommandsTests", dependencies: ["TuneCommands", "TuneCore", "TuneTestSupport"], exclude: ["Fixtures"]),
    ]
)
