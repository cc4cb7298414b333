// swift-tools-version: 6.1
import PackageDescription
import Foundation

let swiftSettings: [SwiftSetting] = [.swiftLanguageMode(.v6)]

let package = Package(
    name: "Bianmin",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "kiosk", targets: ["kiosk"]),
        .executable(name: "towncenter", targets: ["towncenter"]),
        .executable(name: "bianmin-bench", targets: ["bianmin-bench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/x-sheep/swift-property-based", from: "2.0.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-extras", from: "1.35.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth", from: "2.5.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
    ],
    targets: [
        // MARK: C libraries (one adapter target imports each)
        .systemLibrary(
            name: "CQRencode", path: "Sources/C/CQRencode", pkgConfig: "libqrencode",
            providers: [.apt(["libqrencode-dev"])]),
        .systemLibrary(
            name: "CCups", path: "Sources/C/CCups",
            providers: [.apt(["libcups2-dev"])]),
        .systemLibrary(
            name: "CPangoCairo", path: "Sources/C/CPangoCairo", pkgConfig: "pangocairo",
            providers: [.apt(["libpango1.0-dev", "libcairo2-dev"])]),
        .target(
            name: "CPinyin", path: "Sources/C/CPinyin",
            linkerSettings: [.linkedLibrary("googlepinyin")]),
        .systemLibrary(
            name: "CXlsxwriter", path: "Sources/C/CXlsxwriter", pkgConfig: "xlsxwriter",
            providers: [.apt(["libxlsxwriter-dev"])]),
        .systemLibrary(
            name: "CEspeakNG", path: "Sources/C/CEspeakNG", pkgConfig: "espeak-ng",
            providers: [.apt(["libespeak-ng-dev"])]),
        .systemLibrary(
            name: "CAlsa", path: "Sources/C/CAlsa", pkgConfig: "alsa",
            providers: [.apt(["libasound2-dev"])]),
        .systemLibrary(
            name: "CSystemd", path: "Sources/C/CSystemd", pkgConfig: "libsystemd",
            providers: [.apt(["libsystemd-dev"])]),
        .systemLibrary(name: "CZlib", path: "Sources/C/CZlib", providers: [.apt(["zlib1g-dev"])]),

        // MARK: Pure core
        .target(name: "KioskCore", swiftSettings: swiftSettings),

        // MARK: Adapters
        .target(name: "FileSystem", swiftSettings: swiftSettings),
        .target(
            name: "KioskConfig",
            dependencies: ["KioskCore", .product(name: "Yams", package: "Yams")],
            swiftSettings: swiftSettings),
        .target(
            name: "KioskSecurity",
            dependencies: [
                "KioskCore", "FileSystem",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings),
        .target(
            name: "KioskStore",
            dependencies: ["KioskCore", "KioskSecurity", "AuditTrail", "Backups", .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: swiftSettings),
        // A data directory copied for a new machine (its database online), checked and put back (kiosk and center).
        .target(
            name: "Backups",
            dependencies: ["FileSystem", .product(name: "GRDB", package: "GRDB.swift"), .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: swiftSettings),
        // The audit trails' table in SQLite and their signed head following each commit (kiosk and center).
        .target(
            name: "AuditTrail",
            dependencies: ["KioskSecurity", .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: swiftSettings),
        .target(
            name: "SyncProtocol",
            dependencies: ["KioskCore", "KioskSecurity", "CZlib", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: swiftSettings),
        .target(
            name: "TownCenter",
            dependencies: [
                "KioskCore", "KioskConfig", "KioskSecurity", "SyncProtocol", "FileSystem", "AuditTrail", "Backups",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings),
        .target(
            name: "TownDesk",
            dependencies: [
                "KioskCore", "SyncProtocol", "TownCenter", "Executors", "Spreadsheets", "KioskReceipts", "Documents", "Printing", "FileSystem",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdAuth", package: "hummingbird-auth"),
                .product(name: "HummingbirdOTP", package: "hummingbird-auth"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings),
        .target(
            name: "SyncClient",
            dependencies: [
                "KioskCore", "KioskConfig", "KioskSecurity", "KioskStore", "SyncProtocol", "FileSystem", "Executors",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings),
        .target(name: "QRCode", dependencies: ["CQRencode"], swiftSettings: swiftSettings),
        .target(name: "Documents", dependencies: ["CPangoCairo", "QRCode"], swiftSettings: swiftSettings),
        .target(name: "Spreadsheets", dependencies: ["CXlsxwriter", "FileSystem", "KioskCore"], swiftSettings: swiftSettings),
        // Spoken prompts: espeak-ng synthesis streamed into ALSA.
        .target(name: "Speech", dependencies: ["CEspeakNG", "CAlsa"], swiftSettings: swiftSettings),
        // Readiness, watchdog and stopping told to systemd (sd_notify through libsystemd).
        .target(
            name: "ServiceManager",
            dependencies: ["CSystemd", "Executors", .product(name: "ServiceLifecycle", package: "swift-service-lifecycle")],
            swiftSettings: swiftSettings),
        .target(name: "Printing", dependencies: ["CCups", "FileSystem"], swiftSettings: swiftSettings),
        .target(name: "Terminal", swiftSettings: swiftSettings),
        // Where work that blocks its thread runs, off Swift's cooperative pool.
        .target(name: "Executors", swiftSettings: swiftSettings),
        .target(
            name: "KioskReceipts",
            dependencies: ["KioskCore", "Documents", "Printing", "QRCode"],
            swiftSettings: swiftSettings),
        .target(name: "Pinyin", dependencies: ["CPinyin", "Terminal"], swiftSettings: swiftSettings),
        // The words and data files of the kiosk, at the top of the package (Resources/).
        .target(
            name: "KioskResources", path: "Resources", exclude: ["desk"], sources: ["KioskResources.swift"],
            resources: [.copy("strings"), .copy("pinyin")], swiftSettings: swiftSettings),
        .target(
            name: "KioskUI",
            dependencies: ["KioskCore", "Terminal", "Pinyin", "KioskResources"],
            swiftSettings: swiftSettings),
        // The kiosk's effect runtime: the only place where the screen layer meets the store, printing and sync.
        .target(
            name: "KioskRuntime",
            dependencies: ["KioskCore", "KioskStore", "KioskReceipts", "KioskUI", "QRCode", "Terminal", "Executors", "Speech"],
            swiftSettings: swiftSettings),

        // MARK: Executables (thin)
        .executableTarget(
            name: "kiosk",
            dependencies: [
                "KioskCore", "KioskConfig", "KioskSecurity", "KioskStore", "KioskReceipts", "SyncClient", "KioskUI", "KioskRuntime", "Terminal", "Pinyin", "Backups", "ServiceManager", "Printing", "Executors", "SyncProtocol", "Speech",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings),
        .executableTarget(
            name: "towncenter",
            dependencies: [
                "KioskCore", "KioskConfig", "KioskSecurity", "TownCenter", "TownDesk", "KioskReceipts", "Documents", "Printing", "Backups", "ServiceManager",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings),
        .executableTarget(
            name: "bianmin-bench",
            dependencies: [
                "KioskCore", "KioskConfig", "KioskSecurity", "KioskStore", "SyncClient", "SyncProtocol", "TownCenter",
                "KioskReceipts", "Documents", "QRCode", "KioskUI", "KioskRuntime", "Terminal", "TownDesk", "Spreadsheets", "Speech",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings),

        // MARK: Tests
        // What several test targets need: the package root, a tool runner, temporary directories, a private cupsd.
        .target(
            name: "TestSupport",
            dependencies: ["Executors", .product(name: "AsyncHTTPClient", package: "async-http-client")], path: "Tests/TestSupport",
            swiftSettings: swiftSettings),
        .testTarget(name: "KioskCoreTests", dependencies: ["KioskCore", "TestSupport"], swiftSettings: swiftSettings),
        .testTarget(name: "FileSystemTests", dependencies: ["FileSystem", "TestSupport"], swiftSettings: swiftSettings),
        .testTarget(
            name: "KioskConfigTests",
            dependencies: ["KioskConfig", "TestSupport", .product(name: "PropertyBased", package: "swift-property-based")],
            resources: [.copy("Fixtures")],
            swiftSettings: swiftSettings),
        .testTarget(name: "KioskSecurityTests", dependencies: ["KioskCore", "KioskSecurity", "TestSupport"], swiftSettings: swiftSettings),
        .testTarget(name: "KioskStoreTests", dependencies: ["KioskStore", "KioskConfig", "KioskSecurity", "Backups", "TestSupport"], swiftSettings: swiftSettings),
        .testTarget(name: "DeployTests", dependencies: ["TestSupport"], swiftSettings: swiftSettings),
        .testTarget(name: "SpeechTests", dependencies: ["Speech", "TestSupport"], swiftSettings: swiftSettings),
        .testTarget(name: "SpreadsheetsTests", dependencies: ["Spreadsheets", "KioskCore", "TestSupport"], swiftSettings: swiftSettings),
        .testTarget(name: "ReceiptsTests", dependencies: ["QRCode", "Documents", "Printing", "TestSupport"], swiftSettings: swiftSettings),
        .testTarget(
            name: "KioskUITests",
            dependencies: ["KioskUI", "KioskRuntime", "kiosk", "KioskConfig", "KioskCore", "KioskStore", "KioskSecurity", "Terminal", "Pinyin", "QRCode", "TestSupport"],
            exclude: ["Snapshots"], swiftSettings: swiftSettings),
        .testTarget(name: "TerminalTests", dependencies: ["Terminal", "Pinyin", "TestSupport"], swiftSettings: swiftSettings),
        .testTarget(
            name: "TownCenterTests",
            dependencies: [
                "TownCenter", "TownDesk", "SyncProtocol", "KioskSecurity", "KioskCore", "towncenter", "TestSupport",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "HummingbirdOTP", package: "hummingbird-auth"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "SyncClientTests",
            dependencies: [
                "SyncClient", "SyncProtocol", "TownCenter", "KioskStore", "KioskSecurity", "KioskCore", "kiosk", "towncenter", "TestSupport",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings),
        .testTarget(name: "KioskCLITests", dependencies: ["kiosk", "KioskCore", "KioskStore", "KioskSecurity", "TestSupport", .product(name: "GRDB", package: "GRDB.swift")], resources: [.copy("Snapshots")], swiftSettings: swiftSettings),
    ]
)

// libFuzzer targets, declared only for scripts/fuzz.sh (BIANMIN_FUZZ=1, its own scratch path): they link only
// with -sanitize=fuzzer (libFuzzer's driver), so a plain `swift build` never sees them.
if ProcessInfo.processInfo.environment["BIANMIN_FUZZ"] == "1" {
    let fuzzTargets: [(name: String, dependencies: [Target.Dependency])] = [
        ("FuzzCatalog", ["KioskConfig", "KioskCore"]),
        ("FuzzAnswers", ["KioskConfig", "KioskCore"]),
        ("FuzzReceipt", ["KioskSecurity", "KioskCore", .product(name: "Crypto", package: "swift-crypto")]),
        ("FuzzSync", ["SyncProtocol"]),
        ("FuzzHeaders", ["SyncProtocol", "KioskSecurity", .product(name: "Crypto", package: "swift-crypto")]),
        ("FuzzBundle", ["SyncProtocol", "KioskSecurity", .product(name: "Crypto", package: "swift-crypto")]),
    ]
    package.targets.append(.target(name: "CFuzzer", path: "Fuzz/Sources/CFuzzer"))
    for fuzz in fuzzTargets {
        package.targets.append(
            .executableTarget(
                name: fuzz.name, dependencies: fuzz.dependencies + ["CFuzzer"], path: "Fuzz/Sources/\(fuzz.name)",
                swiftSettings: swiftSettings))
    }
}
