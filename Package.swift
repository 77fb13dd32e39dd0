// swift-tools-version:6.2
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "flotilla",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "flotilla", targets: ["flotilla"]),
        .library(name: "FlotillaCore", targets: ["FlotillaCore"]),
        .library(name: "FlotillaStore", targets: ["FlotillaStore"]),
        .library(name: "FlotillaEngine", targets: ["FlotillaEngine"]),
        .library(name: "FlotillaHub", targets: ["FlotillaHub"]),
        .library(name: "FlotillaClient", targets: ["FlotillaClient"]),
        .library(name: "FlotillaAgent", targets: ["FlotillaAgent"]),
        .library(name: "FlotillaTmux", targets: ["FlotillaTmux"]),
        .library(name: "FlotillaWorkflows", targets: ["FlotillaWorkflows"]),
        .library(name: "FlotillaGoals", targets: ["FlotillaGoals"]),
        .library(name: "MQTT", targets: ["MQTT"]),
        .library(name: "EventLoopExecutors", targets: ["EventLoopExecutors"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-websocket.git", from: "2.8.1"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-collections.git", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.35.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/swiftlang/swift-subprocess.git", from: "1.0.2"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-system.git", from: "1.5.0"),
    ],
    targets: [
        .target(
            name: "FlotillaCore",
            dependencies: [
                .product(name: "DequeModule", package: "swift-collections"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "FlotillaStore",
            dependencies: [
                "FlotillaCore",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // The engine: state and the mutate → commit → deliver path, free of any transport
        // (no Hummingbird, NIO, MQTT or tmux; see docs/architecture.md).
        .target(
            name: "FlotillaEngine",
            dependencies: [
                "FlotillaCore",
                "FlotillaStore",
                "FlotillaWorkflows",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "FlotillaGoals",
            dependencies: [
                "FlotillaCore",
                "FlotillaWorkflows",
                "FlotillaStore",
                "FlotillaEngine",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Subprocess", package: "swift-subprocess"),
                .product(name: "SystemPackage", package: "swift-system"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "FlotillaHub",
            dependencies: [
                "FlotillaCore",
                "FlotillaGoals",
                "FlotillaStore",
                "FlotillaEngine",
                "FlotillaWorkflows",
                "MQTT",
                "EventLoopExecutors",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
                "FlotillaTmux",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                // `--approvals FILE` may be YAML (FlotillaHub/Approvals); notifications
                // (Notifications/): the file's YAML, outgoing HTTP, commands.
                .product(name: "Yams", package: "Yams"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Subprocess", package: "swift-subprocess"),
            ],
            // The dashboard's HTML, CSS and JavaScript modules, served as they are (no build step).
            resources: [.copy("Dashboard/Assets")],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "FlotillaClient",
            dependencies: [
                "FlotillaCore",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "HummingbirdWSClient", package: "hummingbird-websocket"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "EventLoopExecutors",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "MQTT",
            dependencies: [
                "EventLoopExecutors",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "FlotillaAgent",
            dependencies: [
                "FlotillaCore",
                "FlotillaClient",
                "MQTT",
                // The model executors (openai, ollama) talk to model servers over HTTP.
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Subprocess", package: "swift-subprocess"),
                .product(name: "SystemPackage", package: "swift-system"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "FlotillaTmux",
            dependencies: [
                "FlotillaCore",
                .product(name: "Subprocess", package: "swift-subprocess"),
                .product(name: "SystemPackage", package: "swift-system"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // Workflow files, expressions, run planning and cron: pure logic, no I/O (issue 23).
        .target(
            name: "FlotillaWorkflows",
            dependencies: [
                "FlotillaCore",
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "FlotillaBench",
            dependencies: [
                "FlotillaCore",
                "FlotillaWorkflows",
                "FlotillaStore",
                "FlotillaClient",
                "FlotillaHub",
                "MQTT",
                "EventLoopExecutors",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "flotilla",
            dependencies: [
                "FlotillaCore",
                "FlotillaStore",
                "FlotillaHub",
                "FlotillaClient",
                "FlotillaAgent",
                "FlotillaTmux",
                "FlotillaBench",
                "FlotillaWorkflows",
                "FlotillaGoals",
                "MQTT",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // Seeded random inputs and mutations for the fuzz suites (not a test target itself).
        .target(
            name: "FuzzSupport",
            dependencies: ["FlotillaCore"],
            path: "Tests/FuzzSupport"
        ),
        .testTarget(
            name: "FlotillaCoreTests",
            dependencies: ["FlotillaCore", "FuzzSupport", .product(name: "Crypto", package: "swift-crypto")]
        ),
        .testTarget(
            name: "MQTTTests",
            dependencies: [
                "MQTT",
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        .testTarget(
            name: "FlotillaAgentTests",
            dependencies: [
                "FlotillaAgent", "FlotillaHub", "FlotillaEngine", "FlotillaStore", "FlotillaClient", "FlotillaCore", "MQTT", "FuzzSupport",
                "FlotillaWorkflows", "FlotillaGoals",
                .product(name: "Logging", package: "swift-log"),
            ],
            exclude: ["Fixtures"]
        ),
        .testTarget(
            name: "FlotillaTmuxTests",
            dependencies: [
                "FlotillaTmux", "FlotillaCore",
                .product(name: "Logging", package: "swift-log"),
            ],
            exclude: ["Fixtures"]
        ),
        .testTarget(
            name: "FlotillaWatchTests",
            dependencies: [
                "FlotillaHub", "FlotillaEngine", "FlotillaTmux", "FlotillaClient", "FlotillaCore",
                .product(name: "HummingbirdWSClient", package: "hummingbird-websocket"),
                .product(name: "Subprocess", package: "swift-subprocess"),
                .product(name: "SystemPackage", package: "swift-system"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "FlotillaHubTests",
            dependencies: [
                "FlotillaHub", "FlotillaEngine", "FlotillaClient", "FlotillaCore", "FlotillaStore", "FuzzSupport",
                "FlotillaWorkflows", "FlotillaGoals",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdWSClient", package: "hummingbird-websocket"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Yams", package: "Yams"),
            ]
        ),
        .testTarget(
            name: "FlotillaWorkflowsTests",
            dependencies: ["FlotillaWorkflows", "FlotillaCore"]
        ),
        .testTarget(
            name: "FlotillaEngineTests",
            dependencies: [
                "FlotillaEngine", "FlotillaStore", "FlotillaCore", "FlotillaWorkflows",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
    ]
)
