import Foundation
import Testing
@testable import FlotillaCore

/// The keys below are made up, and spelt in pieces so the file itself holds none whole.
@Suite("Secret scanning")
struct SecretScannerTests {
    static let awsID = "AKIA" + "Q3EGRT7ZB5XM2N4P"
    static let awsSecret = "tX9vQ2mL7pK4" + "rW8zN1cB6yH3jF5gD0sA/e+Ui9Oq"
    static let github = "ghp_" + "Zq8Lm2Xv7Rt4Np1Ks6Wd9Fb3Hj5Cy0Ge4Ua7"
    static let githubFine = "github_pat_" + "11ABCDEFG0123456789_abcdefghijKLMNOP"
    static let slack = "xoxb-" + "123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx"
    static let openAI = "sk-proj-" + "Xy7Qm2Lp9Rt4Vn8Kz3Wb6Hc1"
    static let anthropic = "sk-ant-" + "api03-Xy7Qm2Lp9Rt4Vn8Kz3Wb6Hc1Jd5"
    static let google = "AIza" + "SyD4x9Qm2Lp7Rt4Vn8Kz3Wb6Hc1Jd5Fg0Qa"

    let scanner = try! SecretScanner()

    func found(_ findings: [SecretFinding]) -> [String] { findings.map { "\($0.file):\($0.line):\($0.kind.rawValue)" } }

    @Test("an AWS access key id at its line, and the secret key next to it, redacted")
    func aws() {
        let findings = scanner.scan(diff(changed("config/settings.py", added: [
            "# storage",
            "aws_access_key_id = \"\(Self.awsID)\"",
            "AWS_SECRET = \"\(Self.awsSecret)\"",
        ], firstNewLine: 40)))
        #expect(found(findings) == ["config/settings.py:41:aws_access_key_id", "config/settings.py:42:aws_secret_access_key"])
        #expect(findings[0].excerpt == "aws_access_key_id = \"AKIA…[redacted]\"")
        #expect(findings[1].excerpt == "AWS_SECRET = \"tX9v…[redacted]\"")
        for finding in findings {
            #expect(!finding.excerpt.contains(Self.awsID) && !finding.excerpt.contains(Self.awsSecret))
            #expect(!finding.description.contains(Self.awsSecret))
        }
        // A 40-character token far from any key id and not named as one is no AWS secret.
        let far = scanner.scan(diff(changed("a.txt", added: ["digest \(Self.awsSecret)"])))
        #expect(found(far) == [])
    }

    @Test("each known token format by its kind")
    func formats() {
        let lines = [
            "token = \(Self.github)", "let pat = \"\(Self.githubFine)\"", "SLACK=\(Self.slack)",
            "OPENAI_API_KEY=\(Self.openAI)", "ANTHROPIC=\(Self.anthropic)", "maps: \(Self.google)",
        ]
        let findings = scanner.scan(diff(changed("env/.env.sample", added: lines)))
        #expect(findings.map(\.kind) == [.githubToken, .githubToken, .slackToken, .openAIKey, .anthropicKey, .googleAPIKey])
        #expect(findings.map(\.line) == [1, 2, 3, 4, 5, 6])
        for (finding, secret) in zip(findings, [Self.github, Self.githubFine, Self.slack, Self.openAI, Self.anthropic, Self.google]) {
            #expect(!finding.excerpt.contains(secret), "\(finding)")
            #expect(finding.excerpt.contains("…[redacted]"))
        }
    }

    @Test("a private key block is reported at its BEGIN line, once")
    func privateKey() {
        let findings = scanner.scan(diff(changed("deploy/id_ed25519", .added, added: [
            "-----BEGIN OPENSSH PRIVATE KEY-----",
            "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW",
            "QyNTUxOQAAACDxq9m2Lp7Rt4Vn8Kz3Wb6Hc1Jd5Fg0QyNTUxOQAAACDxq9m2Lp7Rt4Vn8K",
            "-----END OPENSSH PRIVATE KEY-----",
        ], firstNewLine: 1)))
        #expect(found(findings) == ["deploy/id_ed25519:1:private_key"])
        #expect(findings[0].excerpt == "-----BEGIN OPENSSH PRIVATE KEY-----")
        #expect(found(scanner.scan(diff(changed("k.pem", added: ["-----BEGIN RSA PRIVATE KEY-----"])))) == ["k.pem:1:private_key"])
        #expect(found(scanner.scan(diff(changed("k.pem", added: ["-----BEGIN PUBLIC KEY-----"])))) == [])
    }

    @Test("a random value assigned to a secret-sounding name; placeholders, references and plain words are not")
    func entropy() {
        let findings = scanner.scan(diff(changed("app/config.yaml", added: [
            "api_token: q8Xz3LmP0vR7tY2wK9bN4cJ6",
            "password: \"your-password-here-12345\"",
            "token: ${{ secrets.DEPLOY_TOKEN }}",
            "secret_name = production_database_primary",
            "session_key = 9f86d081884c7d659a2feaa0c55ad015",
            "keyboard_layout = aaaaaaaaaaaaaaaaaaaa1",
        ])))
        #expect(found(findings) == ["app/config.yaml:1:high_entropy", "app/config.yaml:5:high_entropy"])
        #expect(findings[0].excerpt == "api_token: q8Xz…[redacted]")
        #expect(SecretScanner.entropy("aaaa") == 0)
        #expect(abs(SecretScanner.entropy("abcd") - 2) < 1e-9)
    }

    @Test("the allowlist: AWS's documented example, exact values, patterns, paths, and the inline marker")
    func allowlist() throws {
        let example = "aws_access_key_id = AKIAIOSFODNN7EXAMPLE"
        #expect(scanner.scan(diff(changed("docs/aws.md", added: [example]))).isEmpty)

        let custom = try SecretScanner(allowlist: SecretAllowlist(json: [
            "values": [.string(Self.github)],
            "patterns": ["^sk-proj-Xy7Q"],
            "paths": ["**/Fixtures"],
        ]))
        let lines = ["a = \(Self.github)", "b = \(Self.openAI)", "c = \(Self.slack)", "d = \(Self.slack) # flotilla:allow-secret"]
        #expect(found(custom.scan(diff(changed("src/a.txt", added: lines)))) == ["src/a.txt:3:slack_token"])
        #expect(custom.scan(diff(changed("Tests/Fixtures/keys.txt", added: lines))).isEmpty)
        // The standard example values stay allowed with a custom list.
        #expect(custom.scan(diff(changed("docs/aws.md", added: [example]))).isEmpty)

        #expect(caught { try SecretAllowlist(json: ["patterns": ["(open"]]) }?.field == "patterns[0]")
        #expect(caught { try SecretAllowlist(json: ["paths": ["a/[b"]]) }?.field == "paths[0]")
        #expect(caught { try SecretAllowlist(json: ["value": []]) }?.code == .unknownField)
        #expect(caught { try SecretAllowlist(json: ["values": [1]]) }?.field == "values[0]")
    }

    @Test("only added lines count: a secret removed, or in context, or in a binary file, is not reported")
    func addedOnly() {
        var binary = changed("blob.bin", added: ["x = \(Self.github)"])
        binary.isBinary = true
        let findings = scanner.scan(diff(changed("a.txt", added: ["fine"], removed: ["old = \(Self.github)"]), binary))
        #expect(findings.isEmpty)
    }

    @Test("through real git: the key is reported at the new side's line of its file")
    func realGit() throws {
        let repo = try GitScratch()
        defer { repo.remove() }
        let before = (1...12).map { "setting_\($0) = \($0)" }
        try repo.write("service/config.ini", before.joined(separator: "\n") + "\n")
        try repo.commitAll()
        var after = before
        after.remove(at: 1)
        after.insert("aws_access_key_id = \(Self.awsID)", at: 6)
        try repo.write("service/config.ini", after.joined(separator: "\n") + "\n")
        let findings = scanner.scan(try UnifiedDiff(parsing: try repo.stagedDiff()))
        #expect(found(findings) == ["service/config.ini:7:aws_access_key_id"])
    }
}
