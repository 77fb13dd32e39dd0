/// A registered workflow as stored (`workflows` table): its YAML text is the truth, parsed
/// again when the hub starts.
public struct WorkflowRow: Sendable, Hashable {
    public var name: String
    /// The file's text as applied.
    public var source: String
    /// The file name it was applied from (error messages and `show` name it).
    public var file: String
    /// 1 when first applied, one more at each later apply.
    public var version: Int
    public var appliedAt: Double
    public var updatedAt: Double

    public init(name: String, source: String, file: String, version: Int, appliedAt: Double, updatedAt: Double) {
        self.name = name
        self.source = source
        self.file = file
        self.version = version
        self.appliedAt = appliedAt
        self.updatedAt = updatedAt
    }
}
