/// The configurable rules ``RiskClassifier`` applies (docs/goals.md "Risk tiers" lists the
/// defaults). Globs are ``PathGlob``s matched without regard to case, against a file's path
/// or any folder above it (`docs` covers `docs/a/b.md`); patterns are regular expressions
/// searched in a diff's lines.
public struct RiskRules: Sendable, Hashable {
    /// Files in a named area that make a change (at least) `tier`.
    public struct PathRule: Sendable, Hashable {
        public var name: String
        public var tier: RiskTier
        public var globs: [String]

        public init(name: String, tier: RiskTier = .high, globs: [String]) {
            self.name = name
            self.tier = tier
            self.globs = globs
        }
    }

    /// How tests are recognised, and what weakens them.
    public struct TestRules: Sendable, Hashable {
        /// Test files: deleting one, or removing test functions or assertions in them, is high.
        public var globs: [String]
        /// A line that declares a test function.
        public var functions: [String]
        /// A line that asserts.
        public var assertions: [String]
        /// A line that skips or disables a test (added ones are high).
        public var skips: [String]
    }

    /// When every changed file matches one of these, the change is low (documentation, tests).
    public var lowRisk: [String]
    public var paths: [PathRule]
    /// Changed lines (added + removed) from which a change is at least medium, even docs-only.
    public var mediumLines: Int
    /// Changed lines from which a change is high.
    public var highLines: Int
    /// Changed files from which a change is high.
    public var highFiles: Int
    public var tests: TestRules
    /// Manifests whose added lines are new dependencies (lock files are left out: they churn).
    public var dependencyManifests: [String]

    public init(lowRisk: [String], paths: [PathRule], mediumLines: Int, highLines: Int, highFiles: Int, tests: TestRules, dependencyManifests: [String]) {
        self.lowRisk = lowRisk
        self.paths = paths
        self.mediumLines = mediumLines
        self.highLines = highLines
        self.highFiles = highFiles
        self.tests = tests
        self.dependencyManifests = dependencyManifests
    }

    static let testGlobs = [
        "test", "tests", "Tests", "spec", "**/__tests__", "**/testdata", "**/fixtures",
        "**/*_test.go", "**/*_test.py", "**/test_*.py", "**/*.{test,spec}.{js,jsx,ts,tsx,mjs,cjs}",
        "**/*Tests.swift", "**/*Test.swift", "**/*Test.java", "**/*Tests.java", "**/*Test.kt", "**/*_spec.rb", "**/*_test.rb",
    ]

    static let manifests = [
        "**/Package.swift", "**/package.json", "**/requirements*.txt", "**/pyproject.toml", "**/Pipfile",
        "**/setup.py", "**/setup.cfg", "**/go.mod", "**/Cargo.toml", "**/Gemfile", "**/*.gemspec", "**/pom.xml",
        "**/build.gradle", "**/build.gradle.kts", "**/composer.json", "**/Podfile", "**/*.csproj", "**/mix.exs", "**/pubspec.yaml",
    ]

    static let lockFiles = [
        "**/Package.resolved", "**/package-lock.json", "**/yarn.lock", "**/pnpm-lock.yaml", "**/poetry.lock", "**/Pipfile.lock",
        "**/uv.lock", "**/go.sum", "**/Cargo.lock", "**/Gemfile.lock", "**/composer.lock", "**/Podfile.lock", "**/pubspec.lock",
    ]

    /// The defaults: see docs/goals.md.
    public static let standard = RiskRules(
        lowRisk: [
            "docs", "doc", "**/*.{md,markdown,rst,adoc}", "**/README*", "**/CHANGELOG*", "**/LICENSE*", "**/CONTRIBUTING*",
        ] + testGlobs,
        paths: [
            PathRule(name: "auth", globs: [
                "**/*auth", "**/auth{n,z}", "**/*auth.*", "**/*authenticat*", "**/*authoriz*", "**/*password*", "**/*credential*",
                "**/security", "**/*permission*",
            ]),
            PathRule(name: "migrations", globs: [
                "**/migrations", "**/migration", "**/migrate", "**/*migration.*", "**/*migrations.*", "**/alembic", "**/db/schema.rb", "**/schema.prisma",
            ]),
            PathRule(name: "ci", globs: [
                ".github/workflows", ".github/actions", ".ci", ".circleci", ".buildkite", ".gitlab-ci.yml", ".travis.yml",
                "Jenkinsfile", "azure-pipelines.yml", "bitbucket-pipelines.yml", "scripts/ci*",
            ]),
            PathRule(name: "dependencies", globs: manifests + lockFiles),
            PathRule(name: "infrastructure", globs: [
                "**/Dockerfile", "**/Dockerfile.*", "**/*.dockerfile", "**/docker-compose*.y{a,}ml", "**/compose.y{a,}ml",
                "**/*.tf", "**/*.tfvars", "**/terraform", "**/k8s", "**/kubernetes", "**/helm", "**/charts", "**/ansible",
                "**/*.nomad", "**/Procfile", "**/fly.toml", "**/vercel.json", "**/netlify.toml",
            ]),
        ],
        mediumLines: 300,
        highLines: 1_000,
        highFiles: 40,
        tests: TestRules(
            globs: testGlobs,
            functions: [
                #"\bfunc\s+[Tt]est\w*\s*\("#, #"@Test\b"#, #"\bdef\s+test\w*\s*\("#, #"\b(?:it|test)(?:\.only)?\s*\(\s*['"`]"#,
                #"#\[(?:tokio::)?test\]"#, #"\bit\s+['"]"#,
            ],
            assertions: [
                #"#expect\s*\("#, #"#require\s*\("#, #"\bXCTAssert\w*\s*\("#, #"\bXCTFail\s*\("#, #"\bassert\w*!?\s*[(\s]"#,
                #"\bexpect\s*\("#, #"\bt\.(?:Errorf?|Fatalf?|Fail|FailNow)\s*\("#, #"\.should\b"#, #"\brequire\.\w+\s*\("#,
            ],
            skips: [
                #"\.disabled\s*\("#, #"\bXCTSkip\w*\s*\("#, #"@(?:pytest\.mark\.)?skip\w*"#, #"\bunittest\.skip\w*"#,
                #"\b(?:it|test|describe)\.skip\s*\("#, #"\bx(?:it|describe|test)\s*\("#, #"\bt\.Skip\w*\s*\("#,
                #"#\[ignore\]"#, #"@Disabled\b"#, #"@Ignore\b"#,
            ]
        ),
        dependencyManifests: manifests
    )
}
